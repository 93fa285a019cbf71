package org.fedfhir.securecompute.sealing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A sealed message on the wire: the HPKE encapsulated key ({@code enc}, RFC 9180 §4) and the
 * AEAD ciphertext. The associated data is not carried: the receiver rebuilds it from the request
 * ({@link SealingContext}), so a mismatch makes opening fail.
 *
 * <p>Binary layout (big-endian, fixed fields, nothing else is accepted):
 * <pre>
 *   magic       4 bytes  "FFSE"
 *   version     1 byte   0x01
 *   kem         2 bytes  0x0020 (DHKEM(X25519, HKDF-SHA256))
 *   kdf         2 bytes  0x0001 (HKDF-SHA256)
 *   aead        2 bytes  0x0002 (AES-256-GCM)
 *   encLength   2 bytes  32
 *   enc         encLength bytes
 *   ctLength    4 bytes  16 .. 16 MiB
 *   ciphertext  ctLength bytes (plaintext + 16-byte tag)
 * </pre>
 */
public final class SealedEnvelope {

  static final byte[] MAGIC = "FFSE".getBytes(StandardCharsets.US_ASCII);
  static final byte VERSION = 1;
  static final int TAG_BYTES = 16;
  /** The largest ciphertext accepted: 16 MiB. */
  public static final int MAX_CIPHERTEXT_BYTES = 16 * 1024 * 1024;
  private static final int HEADER_BYTES = 4 + 1 + 2 + 2 + 2 + 2;

  private final byte[] encapsulatedKey;
  private final byte[] ciphertext;

  SealedEnvelope(byte[] encapsulatedKey, byte[] ciphertext) {
    this.encapsulatedKey = encapsulatedKey.clone();
    this.ciphertext = ciphertext.clone();
  }

  byte[] encapsulatedKey() {
    return encapsulatedKey.clone();
  }

  byte[] ciphertext() {
    return ciphertext.clone();
  }

  /** The envelope's bytes in the layout above. */
  public byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + encapsulatedKey.length + 4 + ciphertext.length);
    out.put(MAGIC).put(VERSION);
    out.putShort(Hpke.KEM).putShort(Hpke.KDF).putShort(Hpke.AEAD);
    out.putShort((short) encapsulatedKey.length).put(encapsulatedKey);
    out.putInt(ciphertext.length).put(ciphertext);
    return out.array();
  }

  /**
   * Reads an envelope.
   *
   * @throws MalformedEnvelopeException naming the first field that is wrong
   */
  public static SealedEnvelope parse(byte[] bytes) throws MalformedEnvelopeException {
    if (bytes == null || bytes.length < HEADER_BYTES) {
      throw new MalformedEnvelopeException("envelope shorter than its " + HEADER_BYTES + "-byte header");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte[] magic = new byte[4];
    in.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new MalformedEnvelopeException("not a FedFHIR sealed envelope (magic)");
    }
    byte version = in.get();
    if (version != VERSION) {
      throw new MalformedEnvelopeException("envelope version " + version + " unsupported; need 1");
    }
    short kem = in.getShort();
    short kdf = in.getShort();
    short aead = in.getShort();
    if (kem != Hpke.KEM || kdf != Hpke.KDF || aead != Hpke.AEAD) {
      throw new MalformedEnvelopeException(String.format(
          "HPKE suite (kem 0x%04x, kdf 0x%04x, aead 0x%04x) unsupported; need (0x%04x, 0x%04x, 0x%04x)",
          kem, kdf, aead, Hpke.KEM, Hpke.KDF, Hpke.AEAD));
    }
    int encLength = Short.toUnsignedInt(in.getShort());
    if (encLength != Hpke.ENC_BYTES) {
      throw new MalformedEnvelopeException("encapsulated key of " + encLength + " bytes; need " + Hpke.ENC_BYTES);
    }
    if (in.remaining() < encLength + 4) {
      throw new MalformedEnvelopeException("envelope truncated in the encapsulated key");
    }
    byte[] enc = new byte[encLength];
    in.get(enc);
    int ctLength = in.getInt();
    if (ctLength < TAG_BYTES || ctLength > MAX_CIPHERTEXT_BYTES) {
      throw new MalformedEnvelopeException("ciphertext length " + ctLength + " outside 16.." + MAX_CIPHERTEXT_BYTES);
    }
    if (in.remaining() != ctLength) {
      throw new MalformedEnvelopeException("ciphertext length field says " + ctLength + " bytes but "
          + in.remaining() + " follow");
    }
    byte[] ct = new byte[ctLength];
    in.get(ct);
    return new SealedEnvelope(enc, ct);
  }

  @Override
  public String toString() {
    return "SealedEnvelope[" + ciphertext.length + " bytes]";
  }
}
