package org.fedfhir.cli.ehr;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.fedfhir.cli.auth.SiteAccounts;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;

/**
 * What an EHR does to launch a SMART app, for the demo and {@code ./fedfhir hospital}: a page on
 * loopback lists each hospital's first patients; choosing one opens a launch context at the hospital's
 * authorisation server ({@code POST /launch}, as the hospital's EHR client with its secret) and sends
 * the browser to the risk app with {@code iss} and {@code launch}, as SMART App Launch's EHR launch
 * says. The clinician then signs in at the authorisation server; the simulator never sees a token of
 * theirs. It lists patients with the site's integrator token and shows names and ids only.
 */
public final class EhrLaunchSimulator implements AutoCloseable {

  /**
   * A hospital the simulator launches into.
   *
   * @param name the hospital's name
   * @param fhirBase its FHIR base URL (the app's {@code iss})
   * @param issuer its authorisation server
   * @param accounts where the EHR client's secret is
   * @param integrator tokens to list its patients
   */
  public record Site(String name, String fhirBase, String issuer, SiteAccounts accounts, Supplier<String> integrator) {}

  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final int LISTED = 20;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private final Map<String, Site> sites = new LinkedHashMap<>();
  private final HttpServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final FhirContext ctx = FhirContext.forR4Cached();

  private EhrLaunchSimulator(List<Site> sites, int port) throws IOException {
    sites.forEach(s -> this.sites.put(s.name(), s));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts on loopback, {@code port} (0: a free one). */
  public static EhrLaunchSimulator start(List<Site> sites, int port) throws IOException {
    return new EhrLaunchSimulator(sites, port);
  }

  /** The patient picker's URL. */
  public String url() {
    return "http://localhost:" + server.getAddress().getPort() + "/";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      if (!"GET".equals(exchange.getRequestMethod())) {
        send(exchange, 405, "text/plain", "GET only");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/")) {
        send(exchange, 200, "text/html; charset=utf-8", picker());
      } else if (path.equals("/launch")) {
        Map<String, String> q = query(exchange.getRequestURI());
        Site site = sites.get(q.getOrDefault("site", ""));
        String patient = q.getOrDefault("patient", "");
        if (site == null || !FHIR_ID.matcher(patient).matches()) {
          send(exchange, 400, "text/plain", "unknown hospital or not a FHIR id");
          return;
        }
        exchange.getResponseHeaders().set("Location", SiteAccounts.riskAppBase(site.fhirBase()) + "launch.html?iss="
            + encode(site.fhirBase()) + "&launch=" + encode(launch(site, patient)));
        exchange.sendResponseHeaders(302, -1);
      } else {
        send(exchange, 404, "text/plain", "not found");
      }
    } catch (IOException | RuntimeException e) {
      // names the failure, never a token or the EHR's secret
      send(exchange, 502, "text/plain", "the launch failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      send(exchange, 503, "text/plain", "interrupted");
    } finally {
      exchange.close();
    }
  }

  /** Opens a launch context for {@code patient} at the site's authorisation server, as its EHR client. */
  String launch(Site site, String patient) throws IOException, InterruptedException {
    String basic = Base64.getEncoder().encodeToString((SiteAccounts.EHR + ":" + site.accounts().ehrSecret())
        .getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(site.issuer() + "/launch"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
        .POST(HttpRequest.BodyPublishers.ofString("patient=" + encode(patient))).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("the authorisation server answered " + r.statusCode() + " to POST /launch");
    }
    return JSON.readTree(r.body()).path("launch").asText();
  }

  private String picker() throws IOException, InterruptedException {
    StringBuilder html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<title>EHR launch simulator</title></head><body><h1>EHR launch simulator</h1>"
        + "<p>Pick a patient: the risk app opens as the EHR would launch it. Sign in as <b>clinician</b> "
        + "(password in the hospital's <code>credentials.json</code>).</p>");
    for (Site s : sites.values()) {
      html.append("<h2>").append(escape(s.name())).append("</h2><ul>");
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.fhirBase() + "/Patient?_count=" + LISTED))
          .header("Accept", "application/fhir+json").header("Authorization", "Bearer " + s.integrator().get())
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        html.append("<li>patients not available (HTTP ").append(r.statusCode()).append(")</li>");
      } else {
        Bundle b = ctx.newJsonParser().parseResource(Bundle.class, r.body());
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
          Patient p = (Patient) e.getResource();
          String id = p.getIdElement().getIdPart();
          String name = p.hasName() ? p.getNameFirstRep().getNameAsSingleString() : "";
          html.append("<li><a href=\"/launch?site=").append(encode(s.name())).append("&amp;patient=")
              .append(encode(id)).append("\">").append(escape(name.isBlank() ? "Patient/" + id : name))
              .append("</a> (Patient/").append(escape(id)).append(", ").append(escape(String.valueOf(p.getGender())))
              .append(")</li>");
        }
      }
      html.append("</ul>");
    }
    return html.append("</body></html>").toString();
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> q = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return q;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
