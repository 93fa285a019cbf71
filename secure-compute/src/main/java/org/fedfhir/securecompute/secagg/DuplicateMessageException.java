package org.fedfhir.securecompute.secagg;

/** A sender sent a second message in one stage. The first one stands; the duplicate is ignored. */
public final class DuplicateMessageException extends SecAggException {
  private static final long serialVersionUID = 1L;

  public DuplicateMessageException(String message) {
    super(message);
  }
}
