package org.fedfhir.securecompute.secagg;

import java.io.ByteArrayOutputStream;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.crypto.X25519;

/**
 * Stage 0: a site's two fresh X25519 public keys for this round — one to encrypt shares between
 * sites ({@code c_u^PK}), one for pairwise masks ({@code s_u^PK}) — signed with its long-term
 * Ed25519 key over the round binding and both keys.
 */
public record AdvertiseKeys(RoundId roundId, int sender, byte[] encryptionKey, byte[] maskingKey,
    byte[] signature) implements SiteMessage {

  public AdvertiseKeys {
    encryptionKey = encryptionKey.clone();
    maskingKey = maskingKey.clone();
    signature = signature.clone();
  }

  @Override
  public byte[] encryptionKey() {
    return encryptionKey.clone();
  }

  @Override
  public byte[] maskingKey() {
    return maskingKey.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public Stage stage() {
    return Stage.ADVERTISE_KEYS;
  }

  /** The bytes the site signs. */
  static byte[] signedBytes(RoundId id, int sender, byte[] encryptionKey, byte[] maskingKey) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(id.binding(Stage.ADVERTISE_KEYS, sender, 0).encode());
    out.writeBytes(encryptionKey);
    out.writeBytes(maskingKey);
    return out.toByteArray();
  }

  /** The signature to check against {@code signingKey}; a malformed key makes it fail. */
  Ed25519.Signed signed(byte[] signingKey) {
    if (encryptionKey.length != X25519.KEY_BYTES || maskingKey.length != X25519.KEY_BYTES) {
      return new Ed25519.Signed(signingKey, new byte[0], new byte[0]);
    }
    return new Ed25519.Signed(signingKey, signedBytes(roundId, sender, encryptionKey, maskingKey), signature);
  }

  /** True if the signature is {@code signingKey}'s over this message's binding and keys. */
  boolean verify(byte[] signingKey) {
    return encryptionKey.length == X25519.KEY_BYTES && maskingKey.length == X25519.KEY_BYTES
        && Ed25519.verify(signingKey, signedBytes(roundId, sender, encryptionKey, maskingKey), signature);
  }

  @Override
  public long payloadBytes() {
    return SiteMessage.headerBytes(roundId) + encryptionKey.length + maskingKey.length + signature.length;
  }

  @Override
  public String toString() {
    return "AdvertiseKeys[" + roundId + ", site " + sender + "]";
  }
}
