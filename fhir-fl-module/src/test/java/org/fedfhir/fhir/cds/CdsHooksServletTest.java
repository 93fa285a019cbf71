package org.fedfhir.fhir.cds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.inference.InferenceFixtures;
import org.fedfhir.fhir.inference.InferenceService;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code patient-view} service over real HTTP (Jetty on loopback), its EHR's keys served by a
 * JWKS endpoint of its own: discovery, a signed call's card with {@code $infer}'s risk, the attacks on
 * the JWT (unsigned, another key, another audience, an unknown issuer, a replay, expired) refused with
 * 401 and no card, no prefetch, and a patient the study cannot score.
 */
class CdsHooksServletTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String EHR_PATH = "/ehr";
  static RSAKey ehrKey;
  static RSAKey otherKey;
  static HttpServer jwks;
  static String ehrIssuer;
  static InMemoryClinicalData cleveland;
  static InMemoryClinicalData switzerland;
  static Hospital hospital;

  /** A hospital's CDS Hooks servlet on Jetty, over plain-object $infer. */
  record Hospital(Server jetty, String origin, InferenceService inference) {
    String serviceUrl() {
      return origin + "/cds-services/fedfhir-risk";
    }

    void stop() throws Exception {
      jetty.stop();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    ehrKey = new RSAKeyGenerator(2048).keyID("ehr-1").generate();
    otherKey = new RSAKeyGenerator(2048).keyID("ehr-1").generate();
    jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] keys = new JWKSet(ehrKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    jwks.createContext(EHR_PATH + "/jwks", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, keys.length);
      exchange.getResponseBody().write(keys);
      exchange.close();
    });
    jwks.start();
    ehrIssuer = "http://127.0.0.1:" + jwks.getAddress().getPort() + EHR_PATH;
    cleveland = InferenceFixtures.centre(HeartDiseaseCentre.CLEVELAND);
    switzerland = InferenceFixtures.centre(HeartDiseaseCentre.SWITZERLAND);
    hospital = hospital(new InferenceFixtures.Site(cleveland));
  }

  @AfterAll
  static void stop() throws Exception {
    hospital.stop();
    jwks.stop(0);
  }

  static Hospital hospital(InferenceFixtures.Site site) throws Exception {
    InferenceService inference = InferenceFixtures.service(site, new InferenceFixtures.ClearModel());
    AtomicReference<String> origin = new AtomicReference<>();
    CdsSettings settings = new CdsSettings(List.of(new CdsSettings.Ehr(ehrIssuer, URI.create(ehrIssuer + "/jwks"))),
        InferenceFixtures.STUDY_URL, 0.2, 0.5, origin::get);
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new CdsHooksServlet(new RiskCards(inference, settings),
        new EhrJwtVerifier(settings.ehrs(), Clock.systemUTC()), settings)), "/cds-services/*");
    jetty.setHandler(context);
    jetty.start();
    origin.set("http://127.0.0.1:" + connector.getLocalPort());
    return new Hospital(jetty, origin.get(), inference);
  }

  static String jwt(RSAKey key, UnaryOperator<JWTClaimsSet.Builder> claims) throws Exception {
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().issuer(ehrIssuer).subject("ehr-client")
        .audience(hospital.serviceUrl()).issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300)))
        .jwtID(UUID.randomUUID().toString());
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(key.getKeyID()).build(),
        claims.apply(b).build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  static String signed() throws Exception {
    return jwt(ehrKey, b -> b);
  }

  static String call(String patientId, boolean prefetch) {
    return "{\"hookInstance\":\"" + UUID.randomUUID() + "\",\"hook\":\"patient-view\",\"context\":{\"userId\":"
        + "\"Practitioner/dr-a\",\"patientId\":\"" + patientId + "\"}"
        + (prefetch ? ",\"prefetch\":{\"patient\":{\"resourceType\":\"Patient\",\"id\":\"" + patientId + "\"}}" : "")
        + "}";
  }

  static HttpResponse<String> post(Hospital h, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.serviceUrl())).header("Content-Type",
        "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode card(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode cards = JSON.readTree(r.body()).path("cards");
    assertThat(cards.size()).as(r.body()).isEqualTo(1);
    return cards.get(0);
  }

  static double infer(String patientId) throws Exception {
    return hospital.inference().infer(new InferenceService.Request(patientId, InferenceFixtures.STUDY_URL, false,
        Requester.anonymous("127.0.0.1"))).probability();
  }

  @Test
  void discoveryNamesThePatientViewServiceAndItsPatientPrefetch() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(hospital.origin() + "/cds-services")).GET()
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode service = JSON.readTree(r.body()).path("services").get(0);
    assertThat(service.path("id").asText()).isEqualTo("fedfhir-risk");
    assertThat(service.path("hook").asText()).isEqualTo("patient-view");
    assertThat(service.path("prefetch").path("patient").asText()).isEqualTo("Patient/{{context.patientId}}");
  }

  @Test
  void aSignedCallGetsTheCardWithInfersRiskItsBandTheStudyTheEvidenceAndTheAppLink() throws Exception {
    for (int i : new int[] {0, 5, 11}) {
      String patient = cleveland.patients().get(i).getIdElement().getIdPart();
      JsonNode card = card(post(hospital, signed(), call(patient, true)));

      double risk = infer(patient);
      assertThat(card.path("summary").asText()).endsWith("risk " + RiskCards.percent(risk));
      assertThat(card.path("indicator").asText())
          .isEqualTo(risk >= 0.5 ? "critical" : risk >= 0.2 ? "warning" : "info");
      assertThat(card.path("detail").asText()).contains("version 1", "TEE evidence:** simulated");
      assertThat(card.path("source").path("label").asText()).endsWith("v1");
      JsonNode link = card.path("links").get(0);
      assertThat(link.path("type").asText()).isEqualTo("smart");
      assertThat(link.path("url").asText()).isEqualTo(hospital.origin() + "/apps/risk/launch.html");
      assertThat(link.path("appContext").asText()).isEqualTo(InferenceFixtures.STUDY_URL + "|1");
    }
  }

  @Test
  void withoutPrefetchTheServiceReadsThePatientItself() throws Exception {
    String patient = cleveland.patients().get(3).getIdElement().getIdPart();

    JsonNode card = card(post(hospital, signed(), call(patient, false)));

    assertThat(card.path("summary").asText()).endsWith("risk " + RiskCards.percent(infer(patient)));
  }

  @Test
  void unsignedForeignMisaddressedUnknownExpiredAndReplayedCallsAre401WithoutACard() throws Exception {
    String patient = cleveland.patients().get(1).getIdElement().getIdPart();
    String body = call(patient, true);
    String unsigned = new PlainJWT(new JWTClaimsSet.Builder().issuer(ehrIssuer).audience(hospital.serviceUrl())
        .expirationTime(Date.from(Instant.now().plusSeconds(300))).issueTime(new Date())
        .jwtID(UUID.randomUUID().toString()).build()).serialize();
    String replayed = signed();
    assertThat(post(hospital, replayed, body).statusCode()).isEqualTo(200);

    for (var attempt : List.of(
        new String[] {null, "no token"},
        new String[] {unsigned, "unsigned (alg none)"},
        new String[] {jwt(otherKey, b -> b), "signed with another key under the EHR's kid"},
        new String[] {jwt(ehrKey, b -> b.audience("http://127.0.0.1:1/cds-services/fedfhir-risk")), "another aud"},
        new String[] {jwt(ehrKey, b -> b.issuer("http://127.0.0.1:1/evil-ehr")), "an unknown issuer"},
        new String[] {jwt(ehrKey, b -> b.expirationTime(Date.from(Instant.now().minusSeconds(120)))), "expired"},
        new String[] {jwt(ehrKey, b -> b.jwtID(null)), "no jti"},
        new String[] {replayed, "a replayed jti"})) {
      HttpResponse<String> r = post(hospital, attempt[0], body);
      assertThat(r.statusCode()).as(attempt[1] + ": " + r.body()).isEqualTo(401);
      assertThat(r.body()).as(attempt[1]).doesNotContain("cards");
      assertThat(r.headers().firstValue("WWW-Authenticate")).as(attempt[1]).isPresent();
    }
  }

  @Test
  void aStudyThatDeclaresItsRiskBandsIndicatesByThemInsteadOfTheHospitals() throws Exception {
    PlanDefinition banded = InferenceFixtures.study();
    org.hl7.fhir.r4.model.Extension bands = banded.addExtension()
        .setUrl(org.fedfhir.fhir.inference.RiskBands.EXTENSION);
    bands.addExtension("low", new org.hl7.fhir.r4.model.DecimalType("0.05"));
    bands.addExtension("high", new org.hl7.fhir.r4.model.DecimalType("0.1"));
    Hospital studyBands = hospital(new InferenceFixtures.Site(cleveland) {
      @Override
      public List<PlanDefinition> find(String url, String version) {
        return List.of(banded);
      }
    });
    try {
      for (int i : new int[] {0, 5, 11}) {
        String patient = cleveland.patients().get(i).getIdElement().getIdPart();
        JsonNode card = card(post(studyBands, jwt(ehrKey, b -> b.audience(studyBands.serviceUrl())),
            call(patient, true)));

        double risk = infer(patient);
        assertThat(card.path("indicator").asText()).as("risk %s by the study's 5 %% / 10 %%", risk)
            .isEqualTo(risk >= 0.1 ? "critical" : risk >= 0.05 ? "warning" : "info");
        assertThat(card.path("detail").asText()).contains("low below 5 %, high from 10 % (the study's)");
      }
      JsonNode hospitals = card(post(hospital, signed(), call(cleveland.patients().get(0).getIdElement().getIdPart(),
          true)));
      assertThat(hospitals.path("detail").asText()).contains("low below 20 %, high from 50 % (this hospital's)");
    } finally {
      studyBands.stop();
    }
  }

  @Test
  void aPatientTheStudyCannotScoreGetsAnInfoCardSayingWhy() throws Exception {
    PlanDefinition required = InferenceFixtures.studyRequiringCholesterol();
    Hospital swiss = hospital(new InferenceFixtures.Site(switzerland) {
      @Override
      public List<PlanDefinition> find(String url, String version) {
        return List.of(required);
      }
    });
    try {
      String patient = switzerland.patients().get(0).getIdElement().getIdPart();
      JsonNode card = card(post(swiss, jwt(ehrKey, b -> b.audience(swiss.serviceUrl())), call(patient, true)));

      assertThat(card.path("indicator").asText()).isEqualTo("info");
      assertThat(card.path("summary").asText()).contains("no risk for this patient");
      assertThat(card.path("detail").asText()).contains("lacks", "'chol'", "requires it");
      assertThat(card.path("links").isMissingNode() || card.path("links").isEmpty()).isTrue();
    } finally {
      swiss.stop();
    }
  }

  @Test
  void aPrefetchOfAnotherPatientOrAnotherHookIsABadRequest() throws Exception {
    String patient = cleveland.patients().get(2).getIdElement().getIdPart();
    String mismatched = "{\"hook\":\"patient-view\",\"context\":{\"patientId\":\"" + patient + "\"},"
        + "\"prefetch\":{\"patient\":{\"resourceType\":\"Patient\",\"id\":\"someone-else\"}}}";
    HttpResponse<String> r = post(hospital, signed(), mismatched);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("prefetch.patient is not Patient/" + patient);
    assertThat(post(hospital, signed(), call(patient, true).replace("patient-view", "order-sign")).statusCode())
        .isEqualTo(400);
  }
}
