package org.fedfhir.tee.cleanroom;

import org.fedfhir.tee.enclave.TeeException;

/** Rows a site sent that are not the study's columns (its features, then {@code label}) or not a rows payload. */
public final class InvalidRowsException extends TeeException {
  private static final long serialVersionUID = 1L;

  public InvalidRowsException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "invalid-rows";
  }
}
