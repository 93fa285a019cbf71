package org.fedfhir.tee.enclave;

/** The opened model's SHA-256 digest is not the digest the request named: a wrong or substituted model. */
public final class ModelDigestMismatchException extends TeeException {
  private static final long serialVersionUID = 1L;

  public ModelDigestMismatchException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "model-digest-mismatch";
  }
}
