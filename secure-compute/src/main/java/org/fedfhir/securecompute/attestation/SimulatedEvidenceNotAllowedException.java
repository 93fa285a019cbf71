package org.fedfhir.securecompute.attestation;

/**
 * Evidence in the {@code simulated} format (a software key, no hardware) was offered to a policy
 * that did not opt in to it, or it was signed by a platform key the policy does not trust.
 */
public final class SimulatedEvidenceNotAllowedException extends EvidenceFormatNotAllowedException {
  private static final long serialVersionUID = 1L;

  public SimulatedEvidenceNotAllowedException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "simulated-not-allowed";
  }
}
