package org.fedfhir.fhir.site;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.test.utilities.server.RestfulServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.server.ServerConnector;
import org.fedfhir.access.Caller;
import org.fedfhir.access.Role;
import org.fedfhir.aggregator.testing.TestPki;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.access.SmartRules;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.plugin.CleanRoomOperationProvider;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.attestation.Measurement;
import org.fedfhir.study.StudyReader;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.tee.fhir.SimulatedTeeService;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The site's {@code $clean-room} over HTTP as a steward calls it: the thin provider behind the
 * hospital's authorisation rules ({@link SmartRules}, callers resolved from a test bearer naming a
 * role), the service over Cleveland's records, and the real TEE model service over mutual TLS.
 */
@Tag("slow")
class CleanRoomOverHttpTest {
  static final FhirContext CTX = FhirContext.forR4Cached();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static InMemoryClinicalData cleveland;
  static TestPki pki;

  final CleanRoomSiteServiceTest.Counter counter = new CleanRoomSiteServiceTest.Counter();
  final InMemorySite store = new InMemorySite().approve("median", CleanRoomSiteServiceTest.medianStudy());
  SimulatedTeeService tee;
  CleanRoomSiteService service;
  CleanRoomOperationProvider provider;

  /** Bearer {@code role}: a user of that role with {@code user/*.rs}; no bearer: no caller. */
  static Optional<Caller> caller(ca.uhn.fhir.rest.api.server.RequestDetails request) {
    String header = request.getHeader("Authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      return Optional.empty();
    }
    Role role = Role.fromCode(header.substring(7)).orElseThrow();
    return Optional.of(new Caller(Caller.Kind.USER, "Practitioner/" + role.code() + "-1", "test-app", Set.of(role),
        Set.of("user/*.rs"), Optional.empty()));
  }

  @RegisterExtension
  final RestfulServerExtension server = new RestfulServerExtension(CTX)
      .registerInterceptor(new SmartRules(CleanRoomOverHttpTest::caller))
      .withDefaultResponseEncoding(EncodingEnum.JSON)
      .withServerBeforeStarted(jetty -> ((ServerConnector) jetty.getConnectors()[0]).setHost("127.0.0.1"));

  @BeforeAll
  static void data(@TempDir java.nio.file.Path dir) {
    cleveland = Fixtures.centre(HeartDiseaseCentre.CLEVELAND, LocalDate.now());
    pki = TestPki.init(dir.resolve("pki"), "cleveland");
  }

  /** Starts the TEE and serves $clean-room with a site trusting {@code measurement} (null: the TEE's own). */
  void start(Measurement measurement) throws Exception {
    tee = SimulatedTeeService.start("127.0.0.1", 0, pki.teeTls(), counter);
    TeeClient client = new TeeClient(pki.client("cleveland").newRestfulGenericClient(tee.server().baseUrl()),
        new AttestationVerifier(AttestationPolicy.builder().allowSimulatedEvidence(tee.platformPublicKey())
            .trustMeasurement(measurement == null ? tee.measurement() : measurement).build()),
        Clock.systemUTC(), new SecureRandom());
    service = new CleanRoomSiteService(new StudyAdmission(store, store, new StudyReader()), cleveland, store,
        new UcumConverter(), "cleveland", client, tee.server().baseUrl(), Clock.systemUTC(), Duration.ofMillis(200),
        Duration.ofSeconds(5));
    provider = new CleanRoomOperationProvider(service);
    server.registerProvider(provider);
  }

  @AfterEach
  void stop() throws Exception {
    server.unregisterProvider(provider);
    service.close();
    tee.close();
  }

  HttpResponse<String> cleanRoom(String role) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.getBaseUrl() + "/PlanDefinition/median/$clean-room"))
        .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Parameters\"}"));
    if (role != null) {
      b.header("Authorization", "Bearer " + role);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aStewardsCallDeliversTheRowsAndAnswersTheTeesParametersOthersAreRefusedFirst() throws Exception {
    start(null);
    assertThat(cleanRoom(null).statusCode()).isEqualTo(401);
    assertThat(cleanRoom("clinician").statusCode()).isEqualTo(403);
    assertThat(cleanRoom("researcher").statusCode()).isEqualTo(403);
    assertThat(counter.calls).as("refused callers reach nothing").isEmpty();

    HttpResponse<String> r = cleanRoom("data-steward");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Parameters answer = CTX.newJsonParser().parseResource(Parameters.class, r.body());
    assertThat(answer.getParameterValue("delivered").primitiveValue()).isEqualTo("1");
    assertThat(answer.getParameterValue("needed").primitiveValue()).isEqualTo("3");
    assertThat(answer.getParameterValue("ran").primitiveValue()).isEqualTo("false");
    assertThat(counter.of("$clean-room-submit")).isEqualTo(1);
  }

  @Test
  void anUntrustedTeeIsRefusedWithAnOperationOutcomeAndReceivesNoRows() throws Exception {
    start(Measurement.of(new byte[48]));

    HttpResponse<String> r = cleanRoom("data-steward");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
    OperationOutcome oo = CTX.newJsonParser().parseResource(OperationOutcome.class, r.body());
    assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.SECURITY);
    assertThat(oo.getIssueFirstRep().getDetails().getCodingFirstRep().getSystem()).isEqualTo(CleanRoomRefusal.SYSTEM);
    assertThat(oo.getIssueFirstRep().getDetails().getCodingFirstRep().getCode()).isEqualTo("attestation-failed");
    assertThat(counter.of("$clean-room-submit")).as("the TEE received no rows").isZero();
  }
}
