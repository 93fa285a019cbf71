package org.fedfhir.tee.cleanroom;

import org.fedfhir.tee.enclave.TeeException;

/** A program that trapped (out-of-bounds access, unreachable, stack overflow, memory exhausted), returned a non-zero code, or wrote no result; nothing is released. */
public final class ProgramFailedException extends TeeException {
  private static final long serialVersionUID = 1L;

  public ProgramFailedException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "program-failed";
  }
}
