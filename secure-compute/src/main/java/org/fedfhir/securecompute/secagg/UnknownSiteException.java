package org.fedfhir.securecompute.secagg;

/** A message came from, or was addressed to, a site that is not part of the round or not a neighbour. */
public final class UnknownSiteException extends SecAggException {
  private static final long serialVersionUID = 1L;

  public UnknownSiteException(String message) {
    super(message);
  }
}
