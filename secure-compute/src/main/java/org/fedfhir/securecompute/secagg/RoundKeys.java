package org.fedfhir.securecompute.secagg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.fedfhir.securecompute.crypto.Hkdf;
import org.fedfhir.securecompute.crypto.SecretBytes;

/**
 * Key derivation for one round: every key is HKDF-SHA256 of an X25519 agreement, salted with the
 * round binding and labelled with its purpose and the (ordered) pair of sites, so keys of different
 * rounds, studies, purposes or pairs are independent.
 */
final class RoundKeys {

  private static final byte[] SHARE_ENCRYPTION = "fedfhir/secagg/share-encryption".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PAIRWISE_MASK = "fedfhir/secagg/pairwise-mask".getBytes(StandardCharsets.UTF_8);

  private RoundKeys() {}

  /** AES-256-GCM key for shares between {@code a} and {@code b}. */
  static SecretBytes shareEncryptionKey(RoundId id, int a, int b, SecretBytes agreement) {
    return derive(id, SHARE_ENCRYPTION, a, b, agreement);
  }

  /** PRG seed of the pairwise mask between {@code a} and {@code b}. */
  static SecretBytes pairwiseMaskSeed(RoundId id, int a, int b, SecretBytes agreement) {
    return derive(id, PAIRWISE_MASK, a, b, agreement);
  }

  private static SecretBytes derive(RoundId id, byte[] purpose, int a, int b, SecretBytes agreement) {
    byte[] info = ByteBuffer.allocate(purpose.length + 8)
        .put(purpose).putInt(Math.min(a, b)).putInt(Math.max(a, b)).array();
    byte[] salt = id.binding(Stage.SHARE_KEYS, 0, 0).encode();
    try {
      return Hkdf.sha256(agreement, salt, info, 32);
    } finally {
      agreement.destroy();
    }
  }

  /** +1 if {@code self} adds the pairwise mask it shares with {@code other}, −1 if it subtracts it. */
  static int maskSign(int self, int other) {
    return self > other ? 1 : -1;
  }
}
