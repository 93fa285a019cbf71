package org.fedfhir.securecompute.attestation;

/**
 * Evidence was refused. Each subclass is one failure mode with its own remedy; the message says
 * what was wrong in words an operator can act on. Nothing may be sealed to an enclave whose
 * evidence raised this.
 */
public abstract class AttestationException extends Exception {
  private static final long serialVersionUID = 1L;

  protected AttestationException(String message) {
    super(message);
  }

  /** A stable, machine-readable code for this failure mode (for OperationOutcome issues, logs). */
  public abstract String code();
}
