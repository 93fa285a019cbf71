package org.fedfhir.tee.cleanroom;

import org.fedfhir.tee.enclave.TeeException;

/** A program's result the disclosure check refuses as a whole (undeclared or repeated records, row-level output). */
public final class DisclosureRefusedException extends TeeException {
  private static final long serialVersionUID = 1L;

  public DisclosureRefusedException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "disclosure-refused";
  }
}
