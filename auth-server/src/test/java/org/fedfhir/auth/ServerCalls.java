package org.fedfhir.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/** Plain HTTP calls the tests make to a running server: token endpoint, launch endpoint, documents, JWT checks. */
final class ServerCalls {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String issuer;

  ServerCalls(String issuer) {
    this.issuer = issuer;
  }

  record Reply(int status, JsonNode json) {}

  Reply token(Map<String, String> form, String clientId, String secret) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(Browser.form(form)));
    if (secret != null) {
      b.header("Authorization", basic(clientId, secret));
    }
    return reply(b.build());
  }

  Reply launch(String clientId, String secret, Map<String, String> form) throws Exception {
    return reply(HttpRequest.newBuilder(URI.create(issuer + "/launch"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", basic(clientId, secret))
        .POST(HttpRequest.BodyPublishers.ofString(Browser.form(form))).build());
  }

  Reply get(String path) throws Exception {
    return reply(HttpRequest.newBuilder(URI.create(issuer + path)).GET().build());
  }

  /** The claims of a JWT after checking its signature against the server's {@code /oauth2/jwks}. */
  JWTClaimsSet verifiedClaims(String jwt) throws Exception {
    SignedJWT signed = SignedJWT.parse(jwt);
    JWKSet keys = JWKSet.parse(get("/oauth2/jwks").json().toString());
    RSAKey key = (RSAKey) keys.getKeyByKeyId(signed.getHeader().getKeyID());
    if (key == null || !signed.verify(new RSASSAVerifier(key))) {
      throw new AssertionError("token not signed by the server's key");
    }
    return signed.getJWTClaimsSet();
  }

  private Reply reply(HttpRequest request) throws Exception {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode json = r.body().isBlank() || !r.body().trim().startsWith("{")
        ? JSON.createObjectNode() : JSON.readTree(r.body());
    return new Reply(r.statusCode(), json);
  }

  private static String basic(String user, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  /** A PKCE verifier and its S256 challenge. */
  record Pkce(String verifier, String challenge) {
    static Pkce fresh() throws Exception {
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
    }
  }
}
