package org.fedfhir.tee.cleanroom;

import org.fedfhir.tee.enclave.TeeException;

/** Rows for a new study while the clean room already holds its maximum of studies waiting to run. */
public final class CleanRoomFullException extends TeeException {
  private static final long serialVersionUID = 1L;

  public CleanRoomFullException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "clean-room-full";
  }
}
