package org.fedfhir.tee.enclave;

/** A request the enclave refuses; each subclass is one failure mode with a stable {@link #code()}. */
public abstract class TeeException extends Exception {
  private static final long serialVersionUID = 1L;

  protected TeeException(String message) {
    super(message);
  }

  /** Stable machine-readable code, used in OperationOutcome issues. */
  public abstract String code();
}
