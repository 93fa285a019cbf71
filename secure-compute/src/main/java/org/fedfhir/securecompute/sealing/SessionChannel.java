package org.fedfhir.securecompute.sealing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;

/**
 * A two-way sealed channel for the many messages of one session, set up by one HPKE (RFC 9180)
 * encapsulation to the recipient's key and then costing one AES-256-GCM seal and one open per
 * message each way — no key agreement per message.
 *
 * <p>The initiator runs HPKE {@code SetupBaseS} once to the recipient's X25519 key (in FedFHIR an
 * enclave session key that attestation evidence vouches for) and sends the encapsulated key with its
 * first message; the recipient runs {@code SetupBaseR}. Both derive, with the HPKE context's secret
 * exporter (§5.3), a key and a base nonce for each direction, and message {@code n} of a direction is
 * sealed with the nonce {@code base XOR n} (as RFC 9180 §5.2 computes its own nonces) and bound to its
 * {@link SealingContext} as associated data.
 *
 * <p>Security guarantees (the recipient's private key being secret):
 * <ul>
 *   <li>only the holder of the recipient's key and the initiator can read or forge a message of
 *       either direction (IND-CCA2 of HPKE base mode for the setup, AES-256-GCM for the messages);</li>
 *   <li>each message is bound to its direction, sequence number and context: a message replayed
 *       at another number, turned round, or moved to another session, study or model does not open
 *       ({@link UnauthenticatedEnvelopeException});</li>
 *   <li>a nonce is never reused under one key, as long as the caller uses each sequence number once
 *       per direction (FedFHIR's enclave accepts numbers 0, 1, 2, … once each and in order).</li>
 * </ul>
 * Not guaranteed: the initiator's authentication (HPKE base mode: FedFHIR authenticates the caller by
 * mutual TLS and binds the channel to the session it opened).
 */
public final class SessionChannel {

  private static final byte[] INFO = "fedfhir/tee-session/v1".getBytes(StandardCharsets.US_ASCII);
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  /** A channel as its initiator set it up: the encapsulated key to send with the first message. */
  public record Initiated(byte[] encapsulatedKey, SessionChannel channel) {
    public Initiated {
      encapsulatedKey = encapsulatedKey.clone();
    }

    @Override
    public byte[] encapsulatedKey() {
      return encapsulatedKey.clone();
    }
  }

  private enum Direction {
    REQUEST, RESPONSE;

    byte[] label(String what) {
      return ("fedfhir/tee-session/v1 " + name().toLowerCase(java.util.Locale.ROOT) + " " + what)
          .getBytes(StandardCharsets.US_ASCII);
    }
  }

  private final SecretKeySpec requestKey;
  private final byte[] requestNonce;
  private final SecretKeySpec responseKey;
  private final byte[] responseNonce;

  private SessionChannel(HPKEContext context) {
    byte[] k = context.export(Direction.REQUEST.label("key"), KEY_BYTES);
    requestKey = new SecretKeySpec(k, "AES");
    Arrays.fill(k, (byte) 0);
    requestNonce = context.export(Direction.REQUEST.label("nonce"), NONCE_BYTES);
    k = context.export(Direction.RESPONSE.label("key"), KEY_BYTES);
    responseKey = new SecretKeySpec(k, "AES");
    Arrays.fill(k, (byte) 0);
    responseNonce = context.export(Direction.RESPONSE.label("nonce"), NONCE_BYTES);
  }

  /**
   * Sets up a channel to {@code recipientPublicKey} (32-byte X25519).
   *
   * @throws IllegalArgumentException if the key is not a valid 32-byte X25519 public key
   */
  public static Initiated initiate(byte[] recipientPublicKey) {
    if (recipientPublicKey == null || recipientPublicKey.length != Hpke.ENC_BYTES) {
      throw new IllegalArgumentException("recipient public key must be 32 bytes (X25519), got "
          + (recipientPublicKey == null ? "none" : recipientPublicKey.length));
    }
    HPKE hpke = Hpke.suite();
    HPKEContextWithEncapsulation context = hpke.setupBaseS(hpke.deserializePublicKey(recipientPublicKey), INFO);
    return new Initiated(context.getEncapsulation(), new SessionChannel(context));
  }

  /**
   * Accepts a channel whose initiator sent {@code encapsulatedKey} to {@code recipient}'s public key.
   *
   * @throws UnauthenticatedEnvelopeException if the encapsulated key is not a valid X25519 key
   */
  public static SessionChannel accept(SealingKeyPair recipient, byte[] encapsulatedKey)
      throws UnauthenticatedEnvelopeException {
    if (encapsulatedKey == null || encapsulatedKey.length != Hpke.ENC_BYTES) {
      throw new UnauthenticatedEnvelopeException("the encapsulated key must be 32 bytes (X25519), got "
          + (encapsulatedKey == null ? "none" : encapsulatedKey.length));
    }
    HPKE hpke = Hpke.suite();
    byte[] sk = recipient.privateKey().reveal();
    try {
      AsymmetricCipherKeyPair pair = hpke.deserializePrivateKey(sk, recipient.publicKey());
      return new SessionChannel(hpke.setupBaseR(encapsulatedKey, pair, INFO));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UnauthenticatedEnvelopeException("the encapsulated key is not a valid X25519 key");
    } finally {
      Arrays.fill(sk, (byte) 0);
    }
  }

  /** The initiator's message {@code sequence}, sealed and bound to {@code context}. */
  public byte[] sealRequest(long sequence, SealingContext context, byte[] plaintext) {
    return seal(requestKey, requestNonce, sequence, context, plaintext);
  }

  /** Opens the initiator's message {@code sequence}, checking it was bound to {@code context}. */
  public byte[] openRequest(long sequence, SealingContext context, byte[] ciphertext)
      throws UnauthenticatedEnvelopeException {
    return open(requestKey, requestNonce, sequence, context, ciphertext);
  }

  /** The recipient's answer to message {@code sequence}, sealed and bound to {@code context}. */
  public byte[] sealResponse(long sequence, SealingContext context, byte[] plaintext) {
    return seal(responseKey, responseNonce, sequence, context, plaintext);
  }

  /** Opens the recipient's answer to message {@code sequence}, checking it was bound to {@code context}. */
  public byte[] openResponse(long sequence, SealingContext context, byte[] ciphertext)
      throws UnauthenticatedEnvelopeException {
    return open(responseKey, responseNonce, sequence, context, ciphertext);
  }

  private static byte[] seal(SecretKeySpec key, byte[] base, long sequence, SealingContext context, byte[] plaintext) {
    if (plaintext.length > SealedEnvelope.MAX_CIPHERTEXT_BYTES - SealedEnvelope.TAG_BYTES) {
      throw new IllegalArgumentException("plaintext of " + plaintext.length + " bytes exceeds 16 MiB");
    }
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce(base, sequence)));
      gcm.updateAAD(context.encode());
      return gcm.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is missing from this JDK", e);
    }
  }

  private static byte[] open(SecretKeySpec key, byte[] base, long sequence, SealingContext context, byte[] ciphertext)
      throws UnauthenticatedEnvelopeException {
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce(base, sequence)));
      gcm.updateAAD(context.encode());
      return gcm.doFinal(ciphertext);
    } catch (AEADBadTagException e) {
      throw new UnauthenticatedEnvelopeException("sealed " + context.purpose().name().toLowerCase(java.util.Locale.ROOT)
          + " did not authenticate: tampered, replayed at another sequence number, or sealed for another"
          + " session, study or model digest");
    } catch (GeneralSecurityException e) {
      throw new UnauthenticatedEnvelopeException("sealed message did not open: " + e.getClass().getSimpleName());
    }
  }

  /** RFC 9180 §5.2's per-message nonce: the base nonce XOR the sequence number, big-endian. */
  private static byte[] nonce(byte[] base, long sequence) {
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence number " + sequence + " is negative");
    }
    byte[] nonce = base.clone();
    for (int i = 0; i < Long.BYTES; i++) {
      nonce[NONCE_BYTES - 1 - i] ^= (byte) (sequence >>> (8 * i));
    }
    return nonce;
  }
}
