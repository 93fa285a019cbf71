package org.fedfhir.securecompute.sealing;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.fedfhir.securecompute.crypto.SecretBytes;

/**
 * An HPKE (RFC 9180) X25519 key pair: the enclave's long-lived sealing key, or a caller's one-time
 * response key.
 *
 * <p>Security guarantees: the private half exists only as {@link SecretBytes} (no {@code toString}
 * of its bytes, constant-time comparison, {@link #destroy()} wipes it); keys are derived with
 * RFC 9180 §7.1.3 {@code DeriveKeyPair} from 32 bytes of the given {@link SecureRandom}, so the
 * caller controls the randomness source.
 */
public final class SealingKeyPair {

  private final SecretBytes privateKey;
  private final byte[] publicKey;

  private SealingKeyPair(SecretBytes privateKey, byte[] publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey.clone();
  }

  /** A fresh key pair from 32 bytes of {@code random}. */
  public static SealingKeyPair generate(SecureRandom random) {
    byte[] ikm = new byte[32];
    random.nextBytes(ikm);
    try {
      return fromSeed(ikm);
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }

  /**
   * The key pair RFC 9180 {@code DeriveKeyPair} derives from a 32-byte secret seed: how a researcher
   * keeps a clean-room result key in a file. The seed is the private key's equivalent; keep it so.
   */
  public static SealingKeyPair fromSeed(byte[] seed) {
    if (seed == null || seed.length != 32) {
      throw new IllegalArgumentException("a key seed is 32 bytes");
    }
    byte[] ikm = seed.clone();
    try {
      AsymmetricCipherKeyPair pair = Hpke.suite().deriveKeyPair(ikm);
      byte[] sk = Hpke.suite().serializePrivateKey(pair.getPrivate());
      try {
        return new SealingKeyPair(SecretBytes.copyOf(sk),
            Hpke.suite().serializePublicKey(pair.getPublic()));
      } finally {
        Arrays.fill(sk, (byte) 0);
      }
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
  }

  /** The 32-byte X25519 public key to publish (in attestation evidence or a request). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  SecretBytes privateKey() {
    return privateKey;
  }

  /** Wipes the private key; opening with this pair fails afterwards. */
  public void destroy() {
    privateKey.destroy();
  }

  @Override
  public String toString() {
    return "SealingKeyPair[X25519, private=hidden]";
  }
}
