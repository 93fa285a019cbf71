package org.fedfhir.securecompute.attestation;

/**
 * The evidence is older than the policy's maximum age, dated in the future beyond the allowed\n * clock skew, or answers a nonce that has expired. Ask again with a fresh nonce.
 */
public final class StaleEvidenceException extends AttestationException {
  private static final long serialVersionUID = 1L;

  public StaleEvidenceException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "stale-evidence";
  }
}
