package org.fedfhir.tee.enclave;

/** No open session with this id for this caller (never opened, expired, or another party's): open a new session. */
public final class UnknownSessionException extends TeeException {
  private static final long serialVersionUID = 1L;

  public UnknownSessionException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "unknown-session";
  }
}
