package org.fedfhir.securecompute.secagg;

/** A message bound to another study or round was presented in this one (a replay). It is ignored; the round goes on. */
public final class ReplayedMessageException extends SecAggException {
  private static final long serialVersionUID = 1L;

  public ReplayedMessageException(String message) {
    super(message);
  }
}
