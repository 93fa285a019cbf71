package org.fedfhir.auth.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The client side of SMART Backend Services: signs a client assertion ({@code iss} = {@code sub} =
 * client id, {@code aud} = token endpoint, fresh {@code jti}, valid {@link #ASSERTION_LIFETIME})
 * with the client's private key and exchanges it for an access token with the
 * {@code client_credentials} grant. Used by {@code ./fedfhir token} and the demo.
 */
public final class BackendServicesClient {
  /** How long a signed assertion is valid (SMART allows at most five minutes). */
  public static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(4);
  private static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI tokenEndpoint;
  private final String clientId;
  private final SigningKey key;
  private final Clock clock;

  public BackendServicesClient(HttpClient http, URI tokenEndpoint, String clientId, SigningKey key, Clock clock) {
    this.http = http;
    this.tokenEndpoint = tokenEndpoint;
    this.clientId = clientId;
    this.key = key;
    this.clock = clock;
  }

  /** A client whose token endpoint is read from {@code ISSUER/.well-known/smart-configuration}. */
  public static BackendServicesClient discover(HttpClient http, String issuer, String clientId, SigningKey key)
      throws IOException, InterruptedException {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/smart-configuration"))
        .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("no SMART configuration at " + base + ": HTTP " + r.statusCode());
    }
    JsonNode tokenEndpoint = JSON.readTree(r.body()).get("token_endpoint");
    if (tokenEndpoint == null || !tokenEndpoint.isTextual()) {
      throw new IOException("the SMART configuration of " + base + " names no token_endpoint");
    }
    return new BackendServicesClient(http, URI.create(tokenEndpoint.asText()), clientId, key, Clock.systemUTC());
  }

  /** The token endpoint this client talks to. */
  public URI tokenEndpoint() {
    return tokenEndpoint;
  }

  /** Requests a token for {@code scope} (space-separated); {@code aud}, if not null, narrows its audience. */
  public BackendToken requestToken(String scope, String aud)
      throws IOException, InterruptedException, BackendServicesException {
    return exchange(signAssertion(), scope, aud);
  }

  /** Sends an already signed assertion (tests use this to replay one). */
  public BackendToken exchange(String assertion, String scope, String aud)
      throws IOException, InterruptedException, BackendServicesException {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    form.put("scope", scope);
    form.put("client_assertion_type", ASSERTION_TYPE);
    form.put("client_assertion", assertion);
    if (aud != null) {
      form.put("aud", aud);
    }
    String body = form.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(tokenEndpoint)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    if (r.statusCode() != 200 || !json.hasNonNull("access_token")) {
      throw new BackendServicesException(r.statusCode(), json.path("error").asText("unknown_error"),
          json.hasNonNull("error_description") ? json.get("error_description").asText() : null);
    }
    return new BackendToken(json.get("access_token").asText(), json.path("scope").asText(""),
        Duration.ofSeconds(json.path("expires_in").asLong(0)));
  }

  /** A fresh client assertion, signed with the client's key. */
  public String signAssertion() {
    Instant now = clock.instant();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(clientId)
        .subject(clientId)
        .audience(tokenEndpoint.toString())
        .jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
        .build();
    JWSHeader header = new JWSHeader.Builder(key.algorithm()).type(JOSEObjectType.JWT).keyID(key.keyId()).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(key.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign the client assertion", e);
    }
    return jwt.serialize();
  }
}
