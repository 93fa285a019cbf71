package org.fedfhir.tee.cleanroom;

import org.fedfhir.tee.enclave.TeeException;

/** A study that is not a valid clean-room study (another kind, or its PlanDefinition does not parse). */
public final class NotACleanRoomStudyException extends TeeException {
  private static final long serialVersionUID = 1L;

  public NotACleanRoomStudyException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "not-a-clean-room-study";
  }
}
