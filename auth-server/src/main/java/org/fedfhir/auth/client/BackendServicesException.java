package org.fedfhir.auth.client;

/** The token endpoint refused a backend-services token request; carries the HTTP status and OAuth error code. */
public final class BackendServicesException extends Exception {
  private final int status;
  private final String error;

  public BackendServicesException(int status, String error, String description) {
    super("token request refused: HTTP " + status + " " + error + (description == null ? "" : " (" + description + ")"));
    this.status = status;
    this.error = error;
  }

  public int status() {
    return status;
  }

  /** The OAuth {@code error} code, e.g. {@code invalid_client}, {@code invalid_scope}. */
  public String error() {
    return error;
  }
}
