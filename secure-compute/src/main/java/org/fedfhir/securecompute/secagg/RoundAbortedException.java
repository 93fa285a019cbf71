package org.fedfhir.securecompute.secagg;

/**
 * Fewer than the threshold of sites remain (or hold shares) at some stage: the round ends without
 * revealing anything — no sum and no share of a surviving site's secret is released. The caller
 * may run the round again with fresh keys.
 */
public final class RoundAbortedException extends SecAggException {
  private static final long serialVersionUID = 1L;

  public RoundAbortedException(String message) {
    super(message);
  }
}
