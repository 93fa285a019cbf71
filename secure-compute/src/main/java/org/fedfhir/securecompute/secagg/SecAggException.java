package org.fedfhir.securecompute.secagg;

/**
 * A secure-aggregation failure. Subclasses name the failure mode so that callers (a gRPC service,
 * a site client) can react to each differently. Messages never contain keys, shares or inputs.
 */
public abstract class SecAggException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected SecAggException(String message) {
    super(message);
  }
}
