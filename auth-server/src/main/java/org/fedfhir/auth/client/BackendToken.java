package org.fedfhir.auth.client;

import java.time.Duration;

/** An access token obtained by {@link BackendServicesClient}; {@link #toString()} hides the token. */
public record BackendToken(String accessToken, String scope, Duration expiresIn) {
  @Override
  public String toString() {
    return "BackendToken[scope=" + scope + ", expiresIn=" + expiresIn + "]";
  }
}
