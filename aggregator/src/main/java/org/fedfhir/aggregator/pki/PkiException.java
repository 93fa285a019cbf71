package org.fedfhir.aggregator.pki;

/** A certificate or key could not be made, read, written or validated; the message says which. */
public final class PkiException extends RuntimeException {

  public PkiException(String message) {
    super(message);
  }

  public PkiException(String message, Throwable cause) {
    super(message, cause);
  }
}
