package org.fedfhir.auth.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A SMART app's authorization-code flow with PKCE S256, driven by a script instead of a browser: the
 * user's login through the authorisation server's form, the redirect back with the code, and the code
 * exchanged for tokens. The demo uses it to sign in its users (data steward, researcher, clinician)
 * exactly as an app would; tests use it to walk EHR and standalone launches.
 *
 * <p>Security guarantees: the PKCE verifier is fresh for every login and never leaves this object;
 * the password is sent only to the authorisation server's login form; nothing is logged.
 */
public final class SmartAppLogin {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String issuer;
  private final String clientId;
  private final String clientSecret;
  private final String redirectUri;

  /**
   * @param issuer the authorisation server (its {@code /oauth2/authorize}, {@code /login} and
   *     {@code /oauth2/token} are used)
   * @param clientSecret a confidential client's secret, or null for a public client
   */
  public SmartAppLogin(String issuer, String clientId, String clientSecret, String redirectUri) {
    this.issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.redirectUri = redirectUri;
  }

  /** What the token endpoint answered: the access token and the launch context, if any. */
  public record Tokens(String accessToken, Optional<String> patient, Optional<String> refreshToken, String scope,
      java.time.Duration expiresIn) {
    @Override
    public String toString() {
      return "Tokens[scope=" + scope + ", patient=" + patient.orElse("-") + ", tokens redacted]";
    }
  }

  /** The login failed: the server refused the request, or the credentials. */
  public static final class LoginRefused extends Exception {
    public LoginRefused(String message) {
      super(message);
    }
  }

  /**
   * Signs {@code user} in and returns the app's tokens.
   *
   * @param aud the FHIR server the token is for
   * @param launch an EHR launch value ({@code POST /launch}), or null for a standalone launch
   */
  public Tokens login(String user, String password, String scope, String aud, String launch)
      throws IOException, InterruptedException, LoginRefused {
    HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    String verifier = base64Url(random(32));
    Map<String, String> params = new LinkedHashMap<>();
    params.put("response_type", "code");
    params.put("client_id", clientId);
    params.put("redirect_uri", redirectUri);
    params.put("scope", scope);
    params.put("state", base64Url(random(12)));
    params.put("aud", aud);
    params.put("code_challenge", base64Url(sha256(verifier)));
    params.put("code_challenge_method", "S256");
    if (launch != null) {
      params.put("launch", launch);
    }
    URI next = URI.create(issuer + "/oauth2/authorize?" + form(params));
    String code = null;
    for (int hop = 0; hop < 8 && code == null; hop++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(next).header("Accept", "text/html").GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 302) {
        throw new LoginRefused("the authorisation server answered " + r.statusCode() + " to the authorization request");
      }
      URI location = next.resolve(r.headers().firstValue("Location").orElseThrow());
      if (location.toString().startsWith(redirectUri)) {
        Map<String, String> q = query(location.getRawQuery());
        if (q.containsKey("error")) {
          throw new LoginRefused("authorization refused: " + q.get("error") + " " + q.getOrDefault("error_description", ""));
        }
        if (!params.get("state").equals(q.get("state"))) {
          throw new LoginRefused("the redirect's state does not match the request's");
        }
        code = q.get("code");
      } else if (location.getPath().endsWith("/login")) {
        next = submitLogin(http, location, user, password);
      } else {
        next = location;
      }
    }
    if (code == null) {
      throw new LoginRefused("no authorization code after the login");
    }
    Map<String, String> exchange = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code", code,
        "redirect_uri", redirectUri, "code_verifier", verifier));
    HttpRequest.Builder token = HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
        .header("Content-Type", "application/x-www-form-urlencoded");
    if (clientSecret == null) {
      exchange.put("client_id", clientId);
    } else {
      token.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> r = http.send(token.POST(HttpRequest.BodyPublishers.ofString(form(exchange))).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(r.body().isBlank() ? "{}" : r.body());
    if (r.statusCode() != 200 || !body.hasNonNull("access_token")) {
      throw new LoginRefused("the token endpoint answered " + r.statusCode() + " " + body.path("error").asText(""));
    }
    return new Tokens(body.get("access_token").asText(), text(body, "patient"), text(body, "refresh_token"),
        body.path("scope").asText(""), java.time.Duration.ofSeconds(body.path("expires_in").asLong(300)));
  }

  private static Optional<String> text(JsonNode body, String field) {
    return body.hasNonNull(field) ? Optional.of(body.get(field).asText()) : Optional.empty();
  }

  private static URI submitLogin(HttpClient http, URI loginPage, String user, String password)
      throws IOException, InterruptedException, LoginRefused {
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(loginPage).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher csrf = CSRF.matcher(page.body());
    if (!csrf.find()) {
      throw new LoginRefused("the login page has no CSRF token");
    }
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(loginPage)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", user, "password", password,
            "_csrf", csrf.group(1))))).build(), HttpResponse.BodyHandlers.ofString());
    URI after = loginPage.resolve(r.headers().firstValue("Location").orElseThrow(
        () -> new LoginRefused("the login form answered " + r.statusCode())));
    if (after.getRawQuery() != null && after.getRawQuery().contains("error")) {
      throw new LoginRefused("the user name or password was refused");
    }
    return after;
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String base64Url(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String form(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
