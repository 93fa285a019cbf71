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
 * Who may start the site's {@code $clean-room} on the real hospital server: only a data steward with
 * {@code user/PlanDefinition.r}; anonymous callers get 401, clinicians and researchers 403, each an
 * OperationOutcome. (The shared test server has no TEE configured: the steward's call passes the rules
 * and is answered 501 by the service, before anything is extracted.)
 */
@HospitalJpaTest
class CleanRoomAccessTest {
  static final TestIssuer ISSUER = TestIssuer.INSTANCE;

  @LocalServerPort
  int port;

  final HttpClient http = HttpClient.newHttpClient();

  String base() {
    return "http://localhost:" + port + "/fhir";
  }

  HttpResponse<String> cleanRoom(String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/PlanDefinition/clean-room-median/$clean-room"))
        .header("Accept", "application/fhir+json").header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Parameters\"}"));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String user(String who, String role) {
    return ISSUER.user(base(), "Practitioner/" + who, List.of(role), "openid fhirUser user/*.cruds", null);
  }

  @Test
  void onlyADataStewardMayStartTheSitesCleanRoomDelivery() throws Exception {
    HttpResponse<String> anonymous = cleanRoom(null);
    assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
    assertThat(anonymous.body()).contains("\"resourceType\":\"OperationOutcome\"");
    for (String role : List.of("clinician", "researcher", "integrator")) {
      HttpResponse<String> r = cleanRoom(user(role + "-1", role));
      assertThat(r.statusCode()).as(role + ": " + r.body()).isEqualTo(403);
      assertThat(r.body()).contains("\"resourceType\":\"OperationOutcome\"");
    }
    String stewardWithoutScope = ISSUER.user(base(), "Practitioner/steward-0", List.of("data-steward"),
        "openid fhirUser", null);
    assertThat(cleanRoom(stewardWithoutScope).statusCode()).isEqualTo(403);

    HttpResponse<String> steward = cleanRoom(user("steward-1", "data-steward"));
    assertThat(steward.statusCode()).as("past the rules, to the service: no TEE here " + steward.body()).isEqualTo(501);
    assertThat(steward.body()).contains("\"resourceType\":\"OperationOutcome\"", "tee-not-configured");
  }
}
