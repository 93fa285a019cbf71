package org.fedfhir.fhir.cds;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.fedfhir.fhir.HospitalJpaTest;
import org.fedfhir.fhir.access.TestIssuer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The CDS Hooks service as the hospital server serves it (Spring Security in front): discovery is
 * public; a call without an EHR's JWT, or with the hospital's own access token instead, is 401.
 */
@HospitalJpaTest
class CdsHooksServerTest {

  @LocalServerPort
  int port;

  final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<String> send(String method, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Content-Type", "application/json").method(method, "GET".equals(method)
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString("{\"hook\":\"patient-view\",\"hookInstance\":\"1\","
                + "\"context\":{\"patientId\":\"access-a\"}}"));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void discoveryIsPublicAndACallNeedsATrustedEhrsJwt() throws Exception {
    HttpResponse<String> discovery = send("GET", "/cds-services", null);
    assertThat(discovery.statusCode()).as(discovery.body()).isEqualTo(200);
    assertThat(discovery.body()).contains("\"id\":\"fedfhir-risk\"", "\"hook\":\"patient-view\"");

    HttpResponse<String> anonymous = send("POST", "/cds-services/fedfhir-risk", null);
    assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
    assertThat(anonymous.body()).as("the service's own refusal").contains("\"error\"").doesNotContain("cards");

    String accessToken = TestIssuer.INSTANCE.user("http://localhost:" + port + "/fhir", "Practitioner/dr-a",
        List.of("clinician"), "openid fhirUser user/*.rs user/RiskAssessment.c", null);
    HttpResponse<String> hospitalToken = send("POST", "/cds-services/fedfhir-risk", accessToken);
    assertThat(hospitalToken.statusCode()).as("a hospital access token is not an EHR's signed call")
        .isEqualTo(401);
    assertThat(hospitalToken.body()).contains("not an EHR this site trusts");
    assertThat(send("POST", "/cds-services/other", null).statusCode()).isEqualTo(404);
  }
}
