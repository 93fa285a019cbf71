package org.fedfhir.securecompute.sealing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What a sealed message is bound to, used as HPKE associated data (RFC 9180 §5.2, {@code aad}):
 * its purpose, the study (canonical URL), the model digest and the request id. A ciphertext moved
 * to another purpose (features replayed as a model), study, model or request no longer opens.
 *
 * @param purpose what the plaintext is
 * @param study the study's canonical URL
 * @param modelDigest the model's digest (lowercase hex SHA-256 of its canonical encoding)
 * @param requestId the request id; empty for {@link Purpose#MODEL}, required otherwise
 */
public record SealingContext(Purpose purpose, String study, String modelDigest, String requestId) {

  private static final byte[] DOMAIN = "fedfhir/tee-sealing-aad/v1".getBytes(StandardCharsets.UTF_8);

  /** What the sealed plaintext is; part of the associated data. */
  public enum Purpose {
    /** A model, sealed by its owner to the enclave. */
    MODEL,
    /** A patient's features and the caller's response key, sealed to the enclave. */
    FEATURES,
    /** A prediction, sealed by the enclave to the caller's one-time response key. */
    PREDICTION,
    /** Many patients' features and the caller's session response key, sealed to an attested session key. */
    FEATURE_BATCH,
    /** The predictions of a feature batch, sealed by the enclave to the caller's session response key. */
    PREDICTION_BATCH,
    /** A site's rows for a clean-room study, sealed to the enclave (study = the study digest, model = the program's SHA-256). */
    CLEAN_ROOM_ROWS,
    /**
     * A clean-room study's released result, sealed by the enclave to the researcher's key (study = the
     * study digest, model = the program's SHA-256, request = the SHA-256 of the released records).
     */
    CLEAN_ROOM_RESULT
  }

  public SealingContext {
    if (purpose == null) {
      throw new IllegalArgumentException("purpose must be given");
    }
    if (study == null || study.isBlank()) {
      throw new IllegalArgumentException("study must be named");
    }
    if (modelDigest == null || modelDigest.isBlank()) {
      throw new IllegalArgumentException("modelDigest must be given");
    }
    if (requestId == null) {
      requestId = "";
    }
    if (purpose != Purpose.MODEL && requestId.isBlank()) {
      throw new IllegalArgumentException("requestId must be given for " + purpose);
    }
  }

  /** Context for provisioning a model. */
  public static SealingContext forModel(String study, String modelDigest) {
    return new SealingContext(Purpose.MODEL, study, modelDigest, "");
  }

  /** Context for a prediction request's features. */
  public static SealingContext forFeatures(String study, String modelDigest, String requestId) {
    return new SealingContext(Purpose.FEATURES, study, modelDigest, requestId);
  }

  /** Context for the answer to the request with the same id. */
  public static SealingContext forPrediction(String study, String modelDigest, String requestId) {
    return new SealingContext(Purpose.PREDICTION, study, modelDigest, requestId);
  }

  /**
   * Context for batch {@code sequence} of an attested session: the request id is the session id and
   * the sequence number, so a batch opens only in its session and at its place.
   */
  public static SealingContext forFeatureBatch(String study, String modelDigest, String sessionId, long sequence) {
    return new SealingContext(Purpose.FEATURE_BATCH, study, modelDigest, sessionId + "/" + sequence);
  }

  /** Context for the answer to batch {@code sequence} of the session. */
  public static SealingContext forPredictionBatch(String study, String modelDigest, String sessionId,
      long sequence) {
    return new SealingContext(Purpose.PREDICTION_BATCH, study, modelDigest, sessionId + "/" + sequence);
  }

  /**
   * Context for a site's clean-room rows: bound to the study digest the site's steward approved, the
   * SHA-256 of the program that may read them and the site, so they open for no other study, program
   * or site.
   */
  public static SealingContext forCleanRoomRows(String studyDigest, String programSha256, String site) {
    return new SealingContext(Purpose.CLEAN_ROOM_ROWS, studyDigest, programSha256, site);
  }

  /**
   * Context for a clean-room study's result: bound to the study digest, the program's SHA-256 and the
   * SHA-256 of the released records, which every site's audit trail records, so the researcher opens
   * only the result whose digest the sites saw.
   */
  public static SealingContext forCleanRoomResult(String studyDigest, String programSha256, String outputSha256) {
    return new SealingContext(Purpose.CLEAN_ROOM_RESULT, studyDigest, programSha256, outputSha256);
  }

  /** Unambiguous bytes: a domain tag, then the length-prefixed UTF-8 fields. */
  public byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(DOMAIN);
      write(out, purpose.name());
      write(out, study);
      write(out, modelDigest);
      write(out, requestId);
      return bytes.toByteArray();
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static void write(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }
}
