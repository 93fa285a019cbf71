package org.fedfhir.tee.enclave;

/** A batch of more patients than the enclave evaluates in one call: split it. */
public final class BatchTooLargeException extends TeeException {
  private static final long serialVersionUID = 1L;

  public BatchTooLargeException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "batch-too-large";
  }
}
