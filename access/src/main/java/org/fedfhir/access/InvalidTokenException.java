package org.fedfhir.access;

/** An access token that cannot be accepted: bad signature, wrong issuer or audience, expired, malformed. */
public final class InvalidTokenException extends RuntimeException {
  public InvalidTokenException(String message) {
    super(message);
  }

  public InvalidTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
