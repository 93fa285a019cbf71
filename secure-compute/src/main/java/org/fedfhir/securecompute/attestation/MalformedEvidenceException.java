package org.fedfhir.securecompute.attestation;

/**
 * The evidence cannot be parsed as its declared format (not CBOR, not COSE_Sign1, a required field\n * missing or of the wrong type or size). Likely a client/server version mismatch or corruption.
 */
public final class MalformedEvidenceException extends AttestationException {
  private static final long serialVersionUID = 1L;

  public MalformedEvidenceException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "malformed-evidence";
  }
}
