package org.fedfhir.tee.cleanroom;

import org.fedfhir.tee.enclave.TeeException;

/** A result asked for before the study's minimum of sites delivered (or of a study the clean room has not seen). */
public final class ResultNotReadyException extends TeeException {
  private static final long serialVersionUID = 1L;

  public ResultNotReadyException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "result-not-ready";
  }
}
