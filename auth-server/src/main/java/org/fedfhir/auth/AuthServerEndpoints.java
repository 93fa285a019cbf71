package org.fedfhir.auth;

/**
 * Where a started authorisation server answers.
 *
 * @param port the TCP port it listens on
 * @param issuer its issuer URL, the {@code iss} of its tokens
 */
public record AuthServerEndpoints(int port, String issuer) {
  public String tokenEndpoint() {
    return issuer + "/oauth2/token";
  }

  public String authorizationEndpoint() {
    return issuer + "/oauth2/authorize";
  }

  public String jwksUri() {
    return issuer + "/oauth2/jwks";
  }

  public String smartConfiguration() {
    return issuer + "/.well-known/smart-configuration";
  }

  public String launchEndpoint() {
    return issuer + "/launch";
  }
}
