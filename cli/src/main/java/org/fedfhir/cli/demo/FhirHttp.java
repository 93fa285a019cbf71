package org.fedfhir.cli.demo;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * The few FHIR REST calls an integrator makes, as plain HTTP with FHIR JSON: PUT, POST, GET, and an
 * operation whose answer is {@code 202 + Content-Location}. Errors are returned, not thrown, with the
 * OperationOutcome's text, so the demo can say plainly what a server answered.
 */
final class FhirHttp {
  static final String JSON = "application/fhir+json";
  private final FhirContext ctx;
  private final HttpClient http;
  private final java.util.function.Supplier<String> token;

  FhirHttp(FhirContext ctx) {
    this(ctx, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build(), null);
  }

  /** Calls over mutual TLS: presenting {@code ssl}'s certificate, trusting only its CA (the aggregator's endpoint). */
  FhirHttp(FhirContext ctx, javax.net.ssl.SSLContext ssl) {
    this(ctx, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl)
        .connectTimeout(Duration.ofSeconds(5)).build(), null);
  }

  /** The demo's researcher at the aggregator: its client certificate of the network CA (OU=researcher). */
  static FhirHttp researcherAtAggregator(FhirContext ctx, Topology topology) {
    java.nio.file.Path pki = topology.pkiDir();
    return new FhirHttp(ctx, org.fedfhir.access.ClientTls.mutual(
        org.fedfhir.aggregator.pki.PkiDirectory.certificateFile(pki, Topology.RESEARCHER),
        org.fedfhir.aggregator.pki.PkiDirectory.keyFile(pki, Topology.RESEARCHER),
        org.fedfhir.aggregator.pki.PkiDirectory.caCertificateFile(pki)));
  }

  private FhirHttp(FhirContext ctx, HttpClient http, java.util.function.Supplier<String> token) {
    this.ctx = ctx;
    this.http = http;
    this.token = token;
  }

  /** The same calls, made as the holder of {@code tokens} (a bearer access token on each request). */
  FhirHttp as(java.util.function.Supplier<String> tokens) {
    return new FhirHttp(ctx, http, tokens);
  }

  /** An answer: status, {@code Content-Location} (or {@code Location}) and body. */
  record Answer(int status, String location, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  Answer put(String base, Resource r) {
    String url = base + "/" + r.fhirType() + "/" + r.getIdElement().getIdPart();
    return send(HttpRequest.newBuilder(URI.create(url)).PUT(body(r)));
  }

  Answer post(String url, Resource r) {
    return send(HttpRequest.newBuilder(URI.create(url)).POST(body(r)));
  }

  Answer get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  <T extends IBaseResource> T parse(Class<T> type, String body) {
    return ctx.newJsonParser().parseResource(type, body);
  }

  /** The text of an error answer: its OperationOutcome's diagnostics, else the status. */
  String describe(Answer a) {
    String text = null;
    try {
      if (a.body() != null && a.body().contains("OperationOutcome")) {
        OperationOutcome oo = parse(OperationOutcome.class, a.body());
        StringBuilder sb = new StringBuilder();
        for (OperationOutcome.OperationOutcomeIssueComponent i : oo.getIssue()) {
          if (i.hasDiagnostics()) {
            sb.append(sb.length() == 0 ? "" : "; ").append(i.getDiagnostics());
          }
        }
        text = sb.length() == 0 ? null : sb.toString();
      }
    } catch (RuntimeException e) {
      text = null;
    }
    return "HTTP " + a.status() + (text == null ? "" : " " + text);
  }

  private HttpRequest.BodyPublisher body(Resource r) {
    return HttpRequest.BodyPublishers.ofString(ctx.newJsonParser().encodeResourceToString(r));
  }

  private Answer send(HttpRequest.Builder b) {
    HttpRequest req;
    try {
      if (token != null) {
        b.header("Authorization", "Bearer " + token.get());
      }
      req = b.timeout(Duration.ofSeconds(120)).header("Content-Type", JSON).header("Accept", JSON).build();
    } catch (RuntimeException e) {
      return new Answer(0, null, "no access token: " + e.getMessage());
    }
    try {
      HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
      String loc = res.headers().firstValue("Content-Location")
          .orElse(res.headers().firstValue("Location").orElse(null));
      return new Answer(res.statusCode(), loc, res.body());
    } catch (IOException e) {
      return new Answer(0, null, "no answer from " + req.uri() + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(0, null, "interrupted");
    }
  }
}
