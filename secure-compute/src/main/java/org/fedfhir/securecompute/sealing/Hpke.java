package org.fedfhir.securecompute.sealing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * Seals and opens messages with HPKE (RFC 9180) in base mode ({@code mode_base}, §5.1.1) and the
 * one suite FedFHIR uses: DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, with Bouncy
 * Castle's {@link HPKE}.
 *
 * <p>Security guarantees:
 * <ul>
 *   <li>confidentiality and integrity of the plaintext against anyone without the recipient's
 *       private key (IND-CCA2 of HPKE base mode, RFC 9180 §9.1), including the host operator that
 *       carries the envelope;</li>
 *   <li>the plaintext is bound to its {@link SealingContext} (associated data) and to the info
 *       string {@code "fedfhir/tee-sealing/v1"}: changing the purpose, study, model digest or
 *       request id, or any byte of the envelope, makes {@link #open} fail with
 *       {@link UnauthenticatedEnvelopeException};</li>
 *   <li>each seal uses a fresh ephemeral key (single-shot API, RFC 9180 §6.1), so two seals of the
 *       same plaintext differ.</li>
 * </ul>
 * Not guaranteed: sender authentication (base mode: anyone holding the public key can seal) and
 * replay protection; callers bind a request id and check it themselves.
 */
public final class Hpke {

  static final short KEM = HPKE.kem_X25519_SHA256;
  static final short KDF = HPKE.kdf_HKDF_SHA256;
  static final short AEAD = HPKE.aead_AES_GCM256;
  static final int ENC_BYTES = 32;
  private static final byte[] INFO = "fedfhir/tee-sealing/v1".getBytes(StandardCharsets.US_ASCII);

  private Hpke() {}

  static HPKE suite() {
    return new HPKE(HPKE.mode_base, KEM, KDF, AEAD);
  }

  /**
   * Seals {@code plaintext} to {@code recipientPublicKey} (32-byte X25519), bound to {@code context}.
   *
   * @throws IllegalArgumentException if the public key is not 32 bytes or is not a valid X25519 key
   */
  public static SealedEnvelope seal(byte[] recipientPublicKey, SealingContext context, byte[] plaintext) {
    if (recipientPublicKey == null || recipientPublicKey.length != ENC_BYTES) {
      throw new IllegalArgumentException("recipient public key must be 32 bytes (X25519), got "
          + (recipientPublicKey == null ? "none" : recipientPublicKey.length));
    }
    if (plaintext.length > SealedEnvelope.MAX_CIPHERTEXT_BYTES - SealedEnvelope.TAG_BYTES) {
      throw new IllegalArgumentException("plaintext of " + plaintext.length + " bytes exceeds 16 MiB");
    }
    HPKE hpke = suite();
    AsymmetricKeyParameter pkR = hpke.deserializePublicKey(recipientPublicKey);
    HPKEContextWithEncapsulation ctx = hpke.setupBaseS(pkR, INFO);
    try {
      byte[] ct = ctx.seal(context.encode(), plaintext);
      return new SealedEnvelope(ctx.getEncapsulation(), ct);
    } catch (InvalidCipherTextException | IllegalStateException e) {
      throw new IllegalArgumentException("sealing failed: " + e.getMessage(), e);
    }
  }

  /**
   * Opens {@code envelope} with {@code recipient}'s private key, checking it was bound to
   * {@code context}.
   *
   * @throws UnauthenticatedEnvelopeException on any tampering, wrong key or wrong context
   */
  public static byte[] open(SealingKeyPair recipient, SealingContext context, SealedEnvelope envelope)
      throws UnauthenticatedEnvelopeException {
    HPKE hpke = suite();
    byte[] sk = recipient.privateKey().reveal();
    try {
      AsymmetricCipherKeyPair pair = hpke.deserializePrivateKey(sk, recipient.publicKey());
      HPKEContext ctx = hpke.setupBaseR(envelope.encapsulatedKey(), pair, INFO);
      return ctx.open(context.encode(), envelope.ciphertext());
    } catch (InvalidCipherTextException | IllegalArgumentException | IllegalStateException e) {
      throw new UnauthenticatedEnvelopeException(
          "sealed " + context.purpose().name().toLowerCase(java.util.Locale.ROOT)
              + " did not authenticate: tampered, sealed to another key, or bound to another"
              + " study, model digest or request id");
    } finally {
      Arrays.fill(sk, (byte) 0);
    }
  }

  /** Parses then {@link #open opens} envelope bytes. */
  public static byte[] open(SealingKeyPair recipient, SealingContext context, byte[] envelopeBytes)
      throws MalformedEnvelopeException, UnauthenticatedEnvelopeException {
    return open(recipient, context, SealedEnvelope.parse(envelopeBytes));
  }
}
