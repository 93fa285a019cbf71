package org.fedfhir.tee.cleanroom;

import org.fedfhir.tee.enclave.TeeException;

/** A program stopped because it ran longer than its wall-time limit; nothing it wrote is released. */
public final class WallTimeExceededException extends TeeException {
  private static final long serialVersionUID = 1L;

  public WallTimeExceededException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "wall-time-exceeded";
  }
}
