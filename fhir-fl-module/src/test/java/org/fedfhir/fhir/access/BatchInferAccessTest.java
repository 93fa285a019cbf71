package org.fedfhir.fhir.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.fedfhir.fhir.HospitalJpaTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Who may run batch {@code $infer} for a ward list at the real hospital server: a clinician with a
 * user-level {@code RiskAssessment.c} scope; not a patient-level (launch) token, even a clinician's,
 * nor another role, nor anyone without a token; a ward list's Group only if the caller may read it and its
 * members. (The test hospital has no study: an authorised call
 * reaches the service and is answered 404 for the study.)
 */
@HospitalJpaTest
class BatchInferAccessTest {
  static final TestIssuer ISSUER = TestIssuer.INSTANCE;
  static final String BODY = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"study\","
      + "\"valueCanonical\":\"http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr\"},"
      + "{\"name\":\"patient\",\"valueReference\":{\"reference\":\"Patient/access-a\"}},"
      + "{\"name\":\"patient\",\"valueReference\":{\"reference\":\"Patient/access-b\"}}]}";

  @LocalServerPort
  int port;

  final HttpClient http = HttpClient.newHttpClient();

  String base() {
    return "http://localhost:" + port + "/fhir";
  }

  HttpResponse<String> batch(String token) throws Exception {
    return batch(token, BODY);
  }

  HttpResponse<String> batch(String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/Patient/$infer-batch"))
        .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPatientScopedTokenIsRefusedABatchEvenAClinicians() throws Exception {
    String launch = ISSUER.user(base(), "Practitioner/dr-a", List.of("clinician"),
        "launch openid fhirUser patient/Patient.rs patient/RiskAssessment.c user/RiskAssessment.c", "access-a");
    HttpResponse<String> r = batch(launch);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    assertThat(r.body()).contains("OperationOutcome");
    String patient = ISSUER.user(base(), "Patient/access-a", List.of(), "openid fhirUser patient/*.cruds",
        "access-a");
    assertThat(batch(patient).statusCode()).isEqualTo(403);
  }

  @Test
  void aClinicianWithUserScopeIsAuthorisedAndOtherRolesOrNoTokenAreNot() throws Exception {
    String clinician = ISSUER.user(base(), "Practitioner/dr-ward", List.of("clinician"),
        "openid fhirUser user/Patient.rs user/RiskAssessment.c", null);
    HttpResponse<String> allowed = batch(clinician);
    assertThat(allowed.statusCode()).as("authorised, then no such study: " + allowed.body()).isEqualTo(404);
    assertThat(allowed.body()).contains("study-not-found");

    String researcher = ISSUER.user(base(), "Practitioner/res-1", List.of("researcher"),
        "openid fhirUser user/*.cruds", null);
    assertThat(batch(researcher).statusCode()).isEqualTo(403);
    String readOnly = ISSUER.user(base(), "Practitioner/dr-ro", List.of("clinician"),
        "openid fhirUser user/*.rs", null);
    assertThat(batch(readOnly).statusCode()).isEqualTo(403);
    assertThat(batch(null).statusCode()).isEqualTo(401);
  }

  @Test
  void aWardListsGroupAndEachOfItsMembersAreReadWithTheCallersRightsNotTheServers() throws Exception {
    String loader = ISSUER.backend(base(), "ehr-loader", List.of("integrator"), "system/*.cruds");
    for (String id : List.of("ward-a-1", "ward-a-2")) {
      assertThat(put(loader, "Patient/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}")).isIn(200, 201);
    }
    assertThat(put(loader, "Group/ward-a", "{\"resourceType\":\"Group\",\"id\":\"ward-a\",\"type\":\"person\","
        + "\"actual\":true,\"member\":[{\"entity\":{\"reference\":\"Patient/ward-a-1\"}},"
        + "{\"entity\":{\"reference\":\"Patient/ward-a-2\"}}]}")).isIn(200, 201);
    try {
      String ward = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"study\","
          + "\"valueCanonical\":\"http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr\"},"
          + "{\"name\":\"group\",\"valueReference\":{\"reference\":\"Group/ward-a\"}}]}";

      // the attack: a clinician who may not open the Group (nor its patients) learns its members' risks
      String noGroup = ISSUER.user(base(), "Practitioner/dr-ward", List.of("clinician"),
          "openid fhirUser user/Patient.rs user/RiskAssessment.c", null);
      HttpResponse<String> r = batch(noGroup, ward);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
      assertThat(r.body()).contains("OperationOutcome").contains("may not read Group/ward-a");
      String noPatients = ISSUER.user(base(), "Practitioner/dr-ward", List.of("clinician"),
          "openid fhirUser user/Group.rs user/RiskAssessment.c", null);
      r = batch(noPatients, ward);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
      assertThat(r.body()).contains("OperationOutcome").contains("may not read Patient/ward-a-1, a member of Group/ward-a");

      String both = ISSUER.user(base(), "Practitioner/dr-ward", List.of("clinician"),
          "openid fhirUser user/Group.rs user/Patient.rs user/RiskAssessment.c", null);
      r = batch(both, ward);
      assertThat(r.statusCode()).as("the Group and its patients readable, then no such study: " + r.body()).isEqualTo(404);
      assertThat(r.body()).contains("study-not-found");
    } finally { // the hospital's context is shared by the test run: leave no patients to other tests' cohorts
      for (String path : List.of("Group/ward-a", "Patient/ward-a-1", "Patient/ward-a-2")) {
        assertThat(delete(loader, path)).as(path).isIn(200, 204);
      }
    }
  }

  int delete(String token, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base() + "/" + path)).header("Authorization", "Bearer " + token)
        .DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  int put(String token, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base() + "/" + path)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/fhir+json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
