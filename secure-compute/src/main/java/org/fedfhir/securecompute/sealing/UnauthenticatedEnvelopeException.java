package org.fedfhir.securecompute.sealing;

/**
 * A well-formed envelope did not authenticate: it was tampered with, sealed to another key, or
 * bound to other associated data (purpose, study, model digest, request id). HPKE cannot tell
 * these apart, on purpose. Callers refuse the message and must not retry with other data.
 */
public final class UnauthenticatedEnvelopeException extends SealingException {
  private static final long serialVersionUID = 1L;

  public UnauthenticatedEnvelopeException(String message) {
    super(message);
  }
}
