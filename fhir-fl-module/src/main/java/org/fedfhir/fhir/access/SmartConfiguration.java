package org.fedfhir.fhir.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The SMART configuration the hospital publishes at {@code [base]/.well-known/smart-configuration}
 * (SMART App Launch 2.2, "Conformance"): its authorisation server's own SMART document if it has one
 * (FedFHIR's does), else built from the server's OpenID Connect discovery document. Fetched once,
 * then kept; a fetch that fails is retried at the next request.
 */
public final class SmartConfiguration {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CAPABILITIES = List.of("launch-ehr", "launch-standalone", "client-public",
      "client-confidential-symmetric", "client-confidential-asymmetric", "context-ehr-patient",
      "context-standalone-patient", "sso-openid-connect", "permission-patient", "permission-user",
      "permission-v1", "permission-v2", "permission-offline");

  private final String issuer;
  private final HttpClient http;
  private volatile ObjectNode document;

  public SmartConfiguration(String issuer, HttpClient http) {
    this.issuer = HospitalAccessSettings.trim(issuer);
    this.http = http;
  }

  /** The document; fetched from the issuer the first time. */
  public ObjectNode document() throws IOException, InterruptedException {
    ObjectNode d = document;
    if (d == null) {
      d = fetch();
      document = d;
    }
    return d;
  }

  /** The issuer's authorization endpoint, for the CapabilityStatement's oauth-uris. */
  public String authorizationEndpoint() throws IOException, InterruptedException {
    return document().path("authorization_endpoint").asText(issuer + "/oauth2/authorize");
  }

  /** The issuer's token endpoint, for the CapabilityStatement's oauth-uris. */
  public String tokenEndpoint() throws IOException, InterruptedException {
    return document().path("token_endpoint").asText(issuer + "/oauth2/token");
  }

  private ObjectNode fetch() throws IOException, InterruptedException {
    ObjectNode smart = get(issuer + "/.well-known/smart-configuration");
    if (smart != null) {
      return smart;
    }
    ObjectNode oidc = get(issuer + "/.well-known/openid-configuration");
    if (oidc == null) {
      throw new IOException("the authorisation server " + issuer + " publishes neither a SMART nor an OpenID "
          + "Connect configuration");
    }
    ObjectNode d = JSON.createObjectNode();
    for (String field : List.of("issuer", "jwks_uri", "authorization_endpoint", "token_endpoint",
        "introspection_endpoint", "revocation_endpoint", "grant_types_supported", "scopes_supported",
        "token_endpoint_auth_methods_supported", "response_types_supported")) {
      if (oidc.has(field)) {
        d.set(field, oidc.get(field));
      }
    }
    ArrayNode methods = d.putArray("code_challenge_methods_supported");
    methods.add("S256");
    ArrayNode capabilities = d.putArray("capabilities");
    CAPABILITIES.forEach(capabilities::add);
    return d;
  }

  private ObjectNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return null;
    }
    return (ObjectNode) JSON.readTree(r.body());
  }
}
