package org.fedfhir.securecompute.secagg;

/** A message or step arrived at a stage where it does not belong (out of order). The state machine is unchanged. */
public final class StageViolationException extends SecAggException {
  private static final long serialVersionUID = 1L;

  public StageViolationException(String message) {
    super(message);
  }
}
