package org.fedfhir.auth;

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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A user's browser for the tests: real HTTP with cookies, redirects followed by hand, logging in
 * through the server's form when sent to {@code /login}.
 */
final class Browser {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
  private static final Pattern AUTHORIZE = Pattern.compile("name=\"authorize\" value=\"([^\"]+)\"");
  private final HttpClient http = HttpClient.newBuilder()
      .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();
  private final String issuer;
  private final String patient;

  Browser(String issuer) {
    this(issuer, null);
  }

  /** A browser whose staff user picks {@code patient} when sent to the patient picker. */
  Browser(String issuer, String patient) {
    this.issuer = issuer;
    this.patient = patient;
  }

  /** The outcome of an authorization request: the redirect to the app, or an error page. */
  record Outcome(int status, URI location) {
    Map<String, String> params() {
      return location == null ? Map.of() : query(location.getRawQuery());
    }

    String code() {
      return params().get("code");
    }

    /** True when no code was issued: an error page, or a redirect to the app with {@code error}. */
    boolean refused() {
      return code() == null && (status >= 400 || params().containsKey("error"));
    }
  }

  /** Sends an authorization request and follows it (logging in as {@code user} if asked) to its outcome. */
  Outcome authorize(Map<String, String> params, String user, String password) throws IOException, InterruptedException {
    URI next = URI.create(issuer + "/oauth2/authorize?" + form(params));
    for (int hop = 0; hop < 6; hop++) {
      HttpResponse<String> r = send(HttpRequest.newBuilder(next).GET().header("Accept", "text/html").build());
      if (r.statusCode() != 302) {
        return new Outcome(r.statusCode(), null);
      }
      URI location = next.resolve(r.headers().firstValue("Location").orElseThrow());
      if (!location.toString().startsWith(issuer)) {
        return new Outcome(302, location);
      }
      next = location.getPath().equals("/login") ? login(location, user, password)
          : location.getPath().equals("/patient-picker") ? pick(location, patient) : location;
    }
    throw new AssertionError("too many redirects");
  }

  /**
   * Like {@link #authorize} for a staff user's standalone launch, but stops where the patient picker sends
   * the browser back to the authorization endpoint: that URL, with the {@code launch} value for {@code patient}.
   */
  URI pickPatient(Map<String, String> params, String user, String password, String patient)
      throws IOException, InterruptedException {
    URI next = URI.create(issuer + "/oauth2/authorize?" + form(params));
    for (int hop = 0; hop < 6; hop++) {
      HttpResponse<String> r = send(HttpRequest.newBuilder(next).GET().header("Accept", "text/html").build());
      URI location = next.resolve(r.headers().firstValue("Location").orElseThrow());
      if (location.getPath().equals("/patient-picker")) {
        return pick(location, patient);
      }
      next = location.getPath().equals("/login") ? login(location, user, password) : location;
    }
    throw new AssertionError("never sent to the patient picker");
  }

  /** The staff user picks {@code patient} at the picker; returns where it sends the browser. */
  private URI pick(URI picker, String patient) throws IOException, InterruptedException {
    if (patient == null) {
      throw new AssertionError("sent to the patient picker, but this browser has no patient to pick");
    }
    HttpResponse<String> page = send(HttpRequest.newBuilder(picker).GET().build());
    Matcher csrf = CSRF.matcher(page.body());
    Matcher authorize = AUTHORIZE.matcher(page.body());
    if (!csrf.find() || !authorize.find()) {
      throw new AssertionError("the patient picker has no CSRF token or request: " + page.body());
    }
    HttpResponse<String> r = send(HttpRequest.newBuilder(picker.resolve("/patient-picker"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("patient", patient, "_csrf", csrf.group(1),
            "authorize", org.springframework.web.util.HtmlUtils.htmlUnescape(authorize.group(1)))))).build());
    return picker.resolve(r.headers().firstValue("Location").orElseThrow());
  }

  private URI login(URI loginPage, String user, String password) throws IOException, InterruptedException {
    HttpResponse<String> page = send(HttpRequest.newBuilder(loginPage).GET().build());
    Matcher csrf = CSRF.matcher(page.body());
    if (!csrf.find()) {
      throw new AssertionError("login page has no CSRF token");
    }
    HttpResponse<String> r = send(HttpRequest.newBuilder(loginPage)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(
            form(Map.of("username", user, "password", password, "_csrf", csrf.group(1))))).build());
    return loginPage.resolve(r.headers().firstValue("Location").orElseThrow());
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static String form(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  static Map<String, String> query(String raw) {
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
