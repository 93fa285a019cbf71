package org.fedfhir.securecompute.attestation;

/**
 * The policy does not accept this evidence format at all (for instance Nitro evidence with no
 * Nitro root configured).
 */
public class EvidenceFormatNotAllowedException extends AttestationException {
  private static final long serialVersionUID = 1L;

  public EvidenceFormatNotAllowedException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "format-not-allowed";
  }
}
