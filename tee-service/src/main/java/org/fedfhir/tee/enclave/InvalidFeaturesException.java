package org.fedfhir.tee.enclave;

/** The opened features do not fit the model (other names, order or count, or not a features payload). */
public final class InvalidFeaturesException extends TeeException {
  private static final long serialVersionUID = 1L;

  public InvalidFeaturesException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "invalid-features";
  }
}
