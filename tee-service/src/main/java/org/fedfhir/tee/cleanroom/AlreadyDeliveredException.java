package org.fedfhir.tee.cleanroom;

import org.fedfhir.tee.enclave.TeeException;

/** Rows from a site that has already delivered for this study, or for a study whose program has already run. */
public final class AlreadyDeliveredException extends TeeException {
  private static final long serialVersionUID = 1L;

  public AlreadyDeliveredException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "already-delivered";
  }
}
