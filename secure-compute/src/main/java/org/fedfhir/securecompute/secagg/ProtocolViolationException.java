package org.fedfhir.securecompute.secagg;

/** A well-authenticated message breaks the protocol: wrong vector length, a survivor set that is not a subset of the previous one, a share that should not be revealed, a reconstruction that does not match the advertised key. */
public final class ProtocolViolationException extends SecAggException {
  private static final long serialVersionUID = 1L;

  public ProtocolViolationException(String message) {
    super(message);
  }
}
