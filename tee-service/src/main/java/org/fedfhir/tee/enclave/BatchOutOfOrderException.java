package org.fedfhir.tee.enclave;

/** A batch whose sequence number is not the session's next: replayed, reordered, or sent after a lost answer. The session stays at its place; the caller opens a new session. */
public final class BatchOutOfOrderException extends TeeException {
  private static final long serialVersionUID = 1L;

  public BatchOutOfOrderException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "batch-out-of-order";
  }
}
