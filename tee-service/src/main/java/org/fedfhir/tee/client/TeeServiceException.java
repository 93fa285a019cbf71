package org.fedfhir.tee.client;

/**
 * The TEE service refused a call or could not be reached. {@link #code()} is the service's stable
 * error code from {@code http://fedfhir.org/fhir/CodeSystem/tee-error} (e.g. {@code unknown-model},
 * {@code sealed-data-not-authenticated}), or {@code unreachable} / {@code http-<status>}.
 */
public final class TeeServiceException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final int status;

  public TeeServiceException(String code, int status, String message) {
    super(message);
    this.code = code;
    this.status = status;
  }

  public String code() {
    return code;
  }

  /** HTTP status, 0 if none. */
  public int status() {
    return status;
  }
}
