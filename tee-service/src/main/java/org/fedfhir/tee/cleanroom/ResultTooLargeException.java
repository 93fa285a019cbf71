package org.fedfhir.tee.cleanroom;

import org.fedfhir.tee.enclave.TeeException;

/** A program that tried to write a result larger than the limit, or a second result; nothing is released. */
public final class ResultTooLargeException extends TeeException {
  private static final long serialVersionUID = 1L;

  public ResultTooLargeException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "result-too-large";
  }
}
