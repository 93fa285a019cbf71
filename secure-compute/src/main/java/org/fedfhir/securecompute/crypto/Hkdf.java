package org.fedfhir.securecompute.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF with SHA-256 (RFC 5869) on Bouncy Castle: turns a shared secret into purpose-bound keys. */
public final class Hkdf {

  private Hkdf() {}

  /**
   * Derives {@code length} bytes from {@code inputKeyMaterial}.
   *
   * @param salt optional (may be empty)
   * @param info binds the output to its purpose; two different infos give independent keys
   */
  public static SecretBytes sha256(SecretBytes inputKeyMaterial, byte[] salt, byte[] info, int length) {
    if (length < 1 || length > 255 * 32) {
      throw new IllegalArgumentException("HKDF-SHA256 length " + length + " outside 1..8160");
    }
    byte[] ikm = inputKeyMaterial.reveal();
    try {
      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
      hkdf.init(new HKDFParameters(ikm, salt == null ? new byte[0] : salt, info));
      byte[] out = new byte[length];
      hkdf.generateBytes(out, 0, length);
      return SecretBytes.wrap(out);
    } finally {
      java.util.Arrays.fill(ikm, (byte) 0);
    }
  }
}
