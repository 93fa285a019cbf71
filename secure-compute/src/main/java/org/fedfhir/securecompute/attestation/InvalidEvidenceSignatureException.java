package org.fedfhir.securecompute.attestation;

/**
 * The evidence parsed but its signature does not verify with the signer's key: the document was\n * altered after signing (or signed by another key). Treat as an attack.
 */
public final class InvalidEvidenceSignatureException extends AttestationException {
  private static final long serialVersionUID = 1L;

  public InvalidEvidenceSignatureException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "invalid-signature";
  }
}
