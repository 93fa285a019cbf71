package org.fedfhir.securecompute.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * X25519 Diffie–Hellman key agreement (RFC 7748) on Bouncy Castle.
 *
 * <p>Security guarantees: private keys only exist as {@link SecretBytes}; an agreement whose result
 * is all zeros (a low-order peer key) is refused, so a malicious peer cannot force a known secret.
 */
public final class X25519 {

  public static final int KEY_BYTES = 32;

  private X25519() {}

  /** A key pair: the private half is secret, the public half is 32 bytes to advertise. */
  public record KeyPair(SecretBytes privateKey, byte[] publicKey) {
    public KeyPair {
      publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    @Override
    public String toString() {
      return "X25519.KeyPair[private=hidden]";
    }
  }

  public static KeyPair generate(SecureRandom random) {
    X25519PrivateKeyParameters sk = new X25519PrivateKeyParameters(random);
    return new KeyPair(SecretBytes.wrap(sk.getEncoded()), sk.generatePublicKey().getEncoded());
  }

  /** The public key that belongs to {@code privateKey}. */
  public static byte[] publicKeyOf(SecretBytes privateKey) {
    byte[] raw = privateKey.reveal();
    try {
      return new X25519PrivateKeyParameters(raw, 0).generatePublicKey().getEncoded();
    } finally {
      java.util.Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * The shared secret of {@code privateKey} and {@code peerPublicKey}.
   *
   * @throws IllegalArgumentException if the peer key has the wrong length or is of low order
   */
  public static SecretBytes agree(SecretBytes privateKey, byte[] peerPublicKey) {
    if (peerPublicKey == null || peerPublicKey.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "X25519 public key must be " + KEY_BYTES + " bytes, got "
              + (peerPublicKey == null ? "none" : peerPublicKey.length));
    }
    byte[] raw = privateKey.reveal();
    byte[] shared = new byte[KEY_BYTES];
    try {
      X25519Agreement agreement = new X25519Agreement();
      agreement.init(new X25519PrivateKeyParameters(raw, 0));
      agreement.calculateAgreement(new X25519PublicKeyParameters(peerPublicKey, 0), shared, 0);
    } catch (IllegalStateException lowOrder) {
      throw new IllegalArgumentException("X25519 public key is of low order");
    } finally {
      java.util.Arrays.fill(raw, (byte) 0);
    }
    return SecretBytes.wrap(shared);
  }
}
