package org.fedfhir.tee.fhir;

/** Names of the TEE service's operations and parameters, as in {@code docs/study-format.md}. */
public final class TeeOperations {

  public static final String ATTESTATION = "$attestation";
  public static final String PROVISION_MODEL = "$provision-model";
  public static final String PREDICT = "$predict";
  public static final String CLEAN_ROOM_SUBMIT = "$clean-room-submit";
  public static final String CLEAN_ROOM_RESULT = "$clean-room-result";

  public static final String NONCE = "nonce";
  public static final String EVIDENCE = "evidence";
  public static final String FORMAT = "format";
  public static final String SEALED_MODEL = "sealedModel";
  public static final String STUDY = "study";
  public static final String MODEL_DIGEST = "modelDigest";
  public static final String SEALED_FEATURES = "sealedFeatures";
  public static final String REQUEST_ID = "requestId";
  /** Decimals a provisioned model's probabilities are rounded to (1–6, default 3). */
  public static final String PRECISION = "precision";
  public static final String SEALED_PREDICTION = "sealedPrediction";
  public static final String SEALED_ROWS = "sealedRows";
  public static final String STUDY_DIGEST = "studyDigest";
  public static final String DELIVERED = "delivered";
  public static final String NEEDED = "needed";
  public static final String RAN = "ran";
  public static final String PROGRAM_SHA256 = "programSha256";
  public static final String SITE = "site";
  public static final String OUTPUT_SHA256 = "outputSha256";
  public static final String RELEASED = "released";
  public static final String SUPPRESSED = "suppressed";
  public static final String SEALED_RESULT = "sealedResult";

  /** System of the {@code OperationOutcome.issue.details} codes. */
  public static final String ERROR_SYSTEM = "http://fedfhir.org/fhir/CodeSystem/tee-error";

  private TeeOperations() {}
}
