package org.fedfhir.securecompute.attestation;

/** The evidence formats FedFHIR knows, by their wire code (the {@code format} parameter). */
public enum EvidenceFormat {
  /** A software platform key signs the report; for laptops and tests only. */
  SIMULATED("simulated"),
  /** An AWS Nitro Enclaves attestation document (COSE_Sign1, ECDSA P-384, AWS certificate chain). */
  AWS_NITRO("aws-nitro-enclaves");

  private final String code;

  EvidenceFormat(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** The format with this wire code. */
  public static EvidenceFormat fromCode(String code) throws EvidenceFormatNotAllowedException {
    for (EvidenceFormat f : values()) {
      if (f.code.equals(code)) {
        return f;
      }
    }
    throw new EvidenceFormatNotAllowedException("unknown evidence format '" + code
        + "'; known: simulated, aws-nitro-enclaves");
  }
}
