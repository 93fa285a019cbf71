package org.fedfhir.tee.cleanroom;

import org.fedfhir.tee.enclave.TeeException;

/** A WebAssembly module the clean room will not load: malformed, an import outside the ABI, no declared memory maximum or one above the limit, or no {@code run} export. */
public final class ProgramRefusedException extends TeeException {
  private static final long serialVersionUID = 1L;

  public ProgramRefusedException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "program-refused";
  }
}
