package org.fedfhir.fhir.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.fedfhir.access.TokenClaims;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * An authorisation server for the hospital tests that need tokens of any shape (a scope missing, a
 * role missing, another audience, expired): its own EC key, its JWKS and OpenID Connect discovery
 * served over real HTTP on loopback, and tokens signed with that key. One per test JVM, so every JPA
 * test class shares one Spring context ({@link Initializer} makes the hospital trust it).
 */
public final class TestIssuer {

  public static final TestIssuer INSTANCE = new TestIssuer();

  private final ECKey key;
  private final HttpServer server;
  private final String issuer;

  private TestIssuer() {
    try {
      key = new ECKeyGenerator(Curve.P_256).keyID("test-issuer").generate();
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/test-issuer";
    serve("/test-issuer/oauth2/jwks", new JWKSet(key.toPublicJWK()).toString());
    serve("/test-issuer/.well-known/openid-configuration", "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\""
        + issuer + "/oauth2/jwks\",\"authorization_endpoint\":\"" + issuer + "/oauth2/authorize\","
        + "\"token_endpoint\":\"" + issuer + "/oauth2/token\",\"grant_types_supported\":[\"authorization_code\"]}");
    server.setExecutor(null);
    server.start();
  }

  private void serve(String path, String json) {
    server.createContext(path, exchange -> {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
  }

  public String issuer() {
    return issuer;
  }

  /** A token for {@code audience}: claims as given (null values left out), 5 minutes valid. */
  public String token(String audience, Map<String, Object> claims) {
    return token(audience, claims, Instant.now().plusSeconds(300), issuer);
  }

  /** A token with any expiry and issuer (to try expired or foreign tokens). */
  public String token(String audience, Map<String, Object> claims, Instant expiry, String iss) {
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(iss).audience(audience)
        .expirationTime(Date.from(expiry)).issueTime(new Date()).jwtID(UUID.randomUUID().toString());
    claims.forEach(b::claim);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), b.build());
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** A user's token: {@code sub}, {@code fhirUser}, roles, scopes, and a patient context if not null. */
  public String user(String audience, String fhirUser, List<String> roles, String scopes, String patient) {
    Map<String, Object> claims = new java.util.HashMap<>(Map.of("sub", fhirUser.substring(fhirUser.indexOf('/') + 1),
        "client_id", "test-app", "fhirUser", fhirUser, TokenClaims.ROLES_CLAIM, roles, "scope", scopes));
    if (patient != null) {
      claims.put("patient", patient);
    }
    return token(audience, claims);
  }

  /** A backend-services client's token. */
  public String backend(String audience, String clientId, List<String> roles, String scopes) {
    return token(audience, Map.of("sub", clientId, "client_id", clientId, TokenClaims.ROLES_CLAIM, roles,
        "scope", scopes));
  }

  /** Makes the hospital under test trust this issuer (as its SMART issuer). */
  public static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    @Override
    public void initialize(ConfigurableApplicationContext context) {
      context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test-issuer",
          Map.of("fedfhir.security.issuer", INSTANCE.issuer())));
    }
  }
}
