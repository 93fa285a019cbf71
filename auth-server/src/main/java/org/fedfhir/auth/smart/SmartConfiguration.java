package org.fedfhir.auth.smart;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this server advertises, shared by {@code /.well-known/smart-configuration} and the OIDC
 * discovery document so the two never disagree.
 */
public record SmartConfiguration(String issuer) {
  /** PKCE: SHA-256 only; {@code plain} is refused. */
  public static final List<String> CODE_CHALLENGE_METHODS = List.of("S256");
  public static final List<String> GRANT_TYPES = List.of("authorization_code", "client_credentials", "refresh_token");
  public static final List<String> TOKEN_ENDPOINT_AUTH_METHODS =
      List.of("private_key_jwt", "client_secret_basic", "none");
  public static final List<String> SCOPES = List.of("openid", "fhirUser", "launch", "launch/patient",
      "offline_access", "online_access", "patient/*.rs", "user/*.rs", "system/*.rs", "patient/*.read",
      "user/*.read", "system/*.read");
  public static final List<String> CAPABILITIES = List.of("launch-ehr", "launch-standalone", "authorize-post",
      "client-public", "client-confidential-symmetric", "client-confidential-asymmetric", "context-ehr-patient",
      "context-ehr-encounter", "context-standalone-patient", "sso-openid-connect", "permission-patient",
      "permission-user", "permission-v1", "permission-v2", "permission-offline", "permission-online");
  public static final List<String> SIGNING_ALGORITHMS = List.of("RS384", "ES384");

  public String authorizationEndpoint() {
    return issuer + "/oauth2/authorize";
  }

  public String tokenEndpoint() {
    return issuer + "/oauth2/token";
  }

  public String jwksUri() {
    return issuer + "/oauth2/jwks";
  }

  /** The {@code /.well-known/smart-configuration} document. */
  public Map<String, Object> document() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("issuer", issuer);
    d.put("jwks_uri", jwksUri());
    d.put("authorization_endpoint", authorizationEndpoint());
    d.put("token_endpoint", tokenEndpoint());
    d.put("grant_types_supported", GRANT_TYPES);
    d.put("token_endpoint_auth_methods_supported", TOKEN_ENDPOINT_AUTH_METHODS);
    d.put("token_endpoint_auth_signing_alg_values_supported", SIGNING_ALGORITHMS);
    d.put("scopes_supported", SCOPES);
    d.put("response_types_supported", List.of("code"));
    d.put("code_challenge_methods_supported", CODE_CHALLENGE_METHODS);
    d.put("revocation_endpoint", issuer + "/oauth2/revoke");
    d.put("introspection_endpoint", issuer + "/oauth2/introspect");
    d.put("capabilities", CAPABILITIES);
    return d;
  }
}
