package org.fedfhir.tee.enclave;

/** The opened model bytes are not a canonical FedFHIR linear model. */
public final class MalformedModelException extends TeeException {
  private static final long serialVersionUID = 1L;

  public MalformedModelException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "malformed-model";
  }
}
