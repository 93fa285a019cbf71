package org.fedfhir.tee.enclave;

/** The enclave already holds its maximum number of studies' models; it refuses rather than grows. */
public final class ModelStoreFullException extends TeeException {
  private static final long serialVersionUID = 1L;

  public ModelStoreFullException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "model-store-full";
  }
}
