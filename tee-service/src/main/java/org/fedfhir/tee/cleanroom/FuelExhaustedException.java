package org.fedfhir.tee.cleanroom;

import org.fedfhir.tee.enclave.TeeException;

/** A program stopped because it executed more instructions than its fuel; nothing it wrote is released. */
public final class FuelExhaustedException extends TeeException {
  private static final long serialVersionUID = 1L;

  public FuelExhaustedException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "fuel-exhausted";
  }
}
