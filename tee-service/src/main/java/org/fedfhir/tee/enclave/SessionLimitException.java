package org.fedfhir.tee.enclave;

/** The enclave holds its maximum of open sessions; sessions expire, or a caller retries later. */
public final class SessionLimitException extends TeeException {
  private static final long serialVersionUID = 1L;

  public SessionLimitException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "too-many-sessions";
  }
}
