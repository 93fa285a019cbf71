package org.fedfhir.securecompute.crypto;

import java.security.SecureRandom;
import java.util.List;
import java.util.stream.IntStream;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 signatures (RFC 8032) on Bouncy Castle: a site's long-term identity inside the protocol,
 * used to sign its advertised keys and its view of the surviving sites (the consistency check of
 * Bonawitz et al., CCS 2017, §4, "active" variant).
 */
public final class Ed25519 {

  public static final int PUBLIC_KEY_BYTES = 32;
  public static final int SIGNATURE_BYTES = 64;

  private Ed25519() {}

  /** A signing key pair; the private half is secret. */
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
      return "Ed25519.KeyPair[private=hidden]";
    }
  }

  public static KeyPair generate(SecureRandom random) {
    Ed25519PrivateKeyParameters sk = new Ed25519PrivateKeyParameters(random);
    return new KeyPair(SecretBytes.wrap(sk.getEncoded()), sk.generatePublicKey().getEncoded());
  }

  public static byte[] sign(SecretBytes privateKey, byte[] message) {
    byte[] raw = privateKey.reveal();
    try {
      Ed25519Signer signer = new Ed25519Signer();
      signer.init(true, new Ed25519PrivateKeyParameters(raw, 0));
      signer.update(message, 0, message.length);
      return signer.generateSignature();
    } finally {
      java.util.Arrays.fill(raw, (byte) 0);
    }
  }

  /** One signature to check: a public key, the message and the signature. */
  public record Signed(byte[] publicKey, byte[] message, byte[] signature) {}

  /**
   * Verifies every signature, spread over the cores (the common fork-join pool): a site checks k
   * neighbours' signatures at a time, each independent of the others.
   *
   * @return the index of the first signature in {@code items} that does not verify, or −1 if all do
   */
  public static int firstInvalid(List<Signed> items) {
    return IntStream.range(0, items.size()).parallel()
        .filter(i -> !verify(items.get(i).publicKey(), items.get(i).message(), items.get(i).signature()))
        .min().orElse(-1);
  }

  /** True if {@code signature} is {@code publicKey}'s signature of {@code message}; false on any malformation. */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey == null || publicKey.length != PUBLIC_KEY_BYTES
        || signature == null || signature.length != SIGNATURE_BYTES) {
      return false;
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }
}
