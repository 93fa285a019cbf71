package org.fedfhir.tee.enclave;

/** No model with this study and digest was provisioned (or the enclave restarted): provision it first. */
public final class UnknownModelException extends TeeException {
  private static final long serialVersionUID = 1L;

  public UnknownModelException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "unknown-model";
  }
}
