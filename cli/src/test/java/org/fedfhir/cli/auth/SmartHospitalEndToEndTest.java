package org.fedfhir.cli.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.fedfhir.auth.AuthServer;
import org.fedfhir.auth.AuthServerSettings;
import org.fedfhir.auth.client.BackendServicesClient;
import org.fedfhir.auth.client.SigningKey;
import org.fedfhir.auth.client.SmartAppLogin;
import org.fedfhir.auth.directory.GeneratedBackendClient;
import org.fedfhir.auth.directory.AuthDirectory;
import org.fedfhir.auth.directory.GeneratedUser;
import org.fedfhir.auth.directory.Role;
import org.fedfhir.auth.directory.Secret;
import org.fedfhir.cli.demo.FreePorts;
import org.fedfhir.fhir.server.HospitalServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * SMART on FHIR end to end over real HTTP, as {@code ./fedfhir hospital} runs it: FedFHIR's own
 * authorisation server beside a real hospital server (HAPI JPA, H2 in memory); apps sign users in with
 * PKCE and call the hospital with the tokens they get.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmartHospitalEndToEndTest {

  static final String APP = "risk-app";
  static final String REDIRECT = "http://localhost/risk-app/callback";

  ConfigurableApplicationContext auth;
  ConfigurableApplicationContext hospital;
  String issuer;
  String base;
  GeneratedUser clinician;
  GeneratedUser steward;
  GeneratedUser researcher;
  GeneratedUser patientB;
  Secret ehrSecret;
  GeneratedBackendClient loaderKey;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    int port = FreePorts.loopback(1).get(0);
    base = "http://localhost:" + port + "/fhir";
    AuthDirectory.Builder b = AuthDirectory.builder();
    clinician = b.addUser("house", "Practitioner/house", List.of(Role.CLINICIAN), null);
    steward = b.addUser("steward", "Practitioner/steward", List.of(Role.DATA_STEWARD), null);
    researcher = b.addUser("alice", "Practitioner/alice", List.of(Role.RESEARCHER), null);
    patientB = b.addUser("bob", "Patient/e2e-b", List.of(), "e2e-b");
    b.addPublicClient(APP, List.of(REDIRECT), List.of("openid", "fhirUser", "launch", "launch/patient",
        "patient/*.rs", "patient/RiskAssessment.c", "user/*.cruds"));
    ehrSecret = b.addConfidentialClient("ehr", List.of(REDIRECT), List.of("openid"), true);
    loaderKey = b.addBackendClient("loader", List.of("system/*.cruds"), List.of(Role.INTEGRATOR));
    Path file = dir.resolve("directory.json");
    b.build().write(file);
    auth = AuthServer.start(AuthServerSettings.of(file, List.of(base)).withPort(0));
    issuer = AuthServer.endpoints(auth).issuer();
    hospital = HospitalServer.start(HospitalServer.Options.local(port, "e2e",
        "jdbc:h2:mem:fedfhir-e2e;DB_CLOSE_DELAY=-1", issuer));
    String loader = BackendServicesClient.discover(http, issuer, "loader", SigningKey.fromJwk(
        com.nimbusds.jose.jwk.JWK.parse(loaderKey.privateJwk().reveal()))).requestToken("system/*.cruds", null)
        .accessToken();
    for (String id : List.of("e2e-a", "e2e-b")) {
      assertThat(send("PUT", "/Patient/" + id, loader, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}")
          .statusCode()).isIn(200, 201);
      assertThat(send("PUT", "/Observation/" + id + "-chol", loader, "{\"resourceType\":\"Observation\",\"id\":\""
          + id + "-chol\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\","
          + "\"code\":\"2093-3\"}]},\"subject\":{\"reference\":\"Patient/" + id + "\"}}").statusCode()).isIn(200, 201);
    }
  }

  SmartAppLogin.Tokens login(GeneratedUser user, String scope, String launch) throws Exception {
    return new SmartAppLogin(issuer, APP, null, REDIRECT).login(user.username(), user.password().reveal(), scope,
        base, launch);
  }

  HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/fhir+json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      r.header("Content-Type", "application/fhir+json");
    }
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  String launch(String patient) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(issuer + "/launch"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            ("ehr:" + ehrSecret.reveal()).getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString("patient=" + patient)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body().replaceAll(".*\"launch\"\\s*:\\s*\"([^\"]+)\".*", "$1");
  }

  @AfterAll
  void stop() {
    if (hospital != null) {
      hospital.close();
    }
    if (auth != null) {
      auth.close();
    }
  }

  @Test
  void anEhrLaunchedAppReadsItsPatientAndNoOther() throws Exception {
    SmartAppLogin.Tokens t = login(clinician,
        "launch openid fhirUser patient/Patient.rs patient/Observation.rs patient/RiskAssessment.c", launch("e2e-a"));
    assertThat(t.patient()).contains("e2e-a");
    assertThat(send("GET", "/Patient/e2e-a", t.accessToken(), null).statusCode()).isEqualTo(200);
    HttpResponse<String> observations = send("GET", "/Observation?patient=e2e-a", t.accessToken(), null);
    assertThat(observations.statusCode()).isEqualTo(200);
    assertThat(observations.body()).contains("e2e-a-chol");
    HttpResponse<String> other = send("GET", "/Patient/e2e-b", t.accessToken(), null);
    assertThat(other.statusCode()).as("a token for patient A reading patient B").isEqualTo(403);
    assertThat(other.body()).contains("OperationOutcome");
    assertThat(send("GET", "/Observation?patient=e2e-b", t.accessToken(), null).statusCode()).isEqualTo(403);
    assertThat(send("POST", "/Patient/e2e-b/$infer", t.accessToken(), "{\"resourceType\":\"Parameters\"}")
        .statusCode()).isEqualTo(403);
  }

  @Test
  void aStandaloneLaunchGivesAPatientTheirOwnRecordOnly() throws Exception {
    SmartAppLogin.Tokens t = login(patientB, "launch/patient openid fhirUser patient/*.rs", null);
    assertThat(t.patient()).contains("e2e-b");
    assertThat(send("GET", "/Patient/e2e-b", t.accessToken(), null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/Patient/e2e-a", t.accessToken(), null).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/Patient?_count=5", t.accessToken(), null).statusCode())
        .as("searching every patient with a patient token").isEqualTo(403);
  }

  @Test
  void aResearcherInstallsAStudyButOnlyTheStewardApprovesIt() throws Exception {
    String alice = login(researcher, "openid fhirUser user/*.cruds", null).accessToken();
    assertThat(send("PUT", "/PlanDefinition/e2e-study", alice,
        "{\"resourceType\":\"PlanDefinition\",\"id\":\"e2e-study\",\"status\":\"active\"}").statusCode())
        .isIn(200, 201);
    String approval = "{\"resourceType\":\"ResearchStudy\",\"status\":\"active\","
        + "\"protocol\":[{\"reference\":\"PlanDefinition/e2e-study\"}]}";
    assertThat(send("POST", "/ResearchStudy", alice, approval).statusCode()).as("self-approval").isEqualTo(403);
    String stewardToken = login(steward, "openid fhirUser user/*.cruds", null).accessToken();
    assertThat(send("POST", "/ResearchStudy", stewardToken, approval).statusCode()).isEqualTo(201);
    assertThat(send("PUT", "/Patient/e2e-a", stewardToken, "{\"resourceType\":\"Patient\",\"id\":\"e2e-a\"}")
        .statusCode()).as("a data steward does not write the clinical record").isEqualTo(403);
  }

  @Test
  void anonymousCallsAreRefusedAndTheSmartConfigurationPointsAtTheAuthorisationServer() throws Exception {
    HttpResponse<String> anonymous = send("GET", "/Patient/e2e-a", null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
    HttpResponse<String> smart = send("GET", "/.well-known/smart-configuration", null, null);
    assertThat(smart.statusCode()).isEqualTo(200);
    assertThat(smart.body()).contains(issuer + "/oauth2/token", "\"S256\"").doesNotContain("\"plain\"");
  }
}
