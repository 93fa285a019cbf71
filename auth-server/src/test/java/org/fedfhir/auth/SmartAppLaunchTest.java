package org.fedfhir.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedfhir.auth.ServerCalls.Pkce;
import org.fedfhir.auth.ServerCalls.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** SMART App Launch against a running server: real HTTP, form login, redirects followed by hand. */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmartAppLaunchTest {
  private TestDirectory directory;
  private ConfigurableApplicationContext server;
  private String issuer;
  private ServerCalls calls;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    directory = new TestDirectory(dir);
    server = AuthServer.start(directory.settings());
    issuer = AuthServer.endpoints(server).issuer();
    calls = new ServerCalls(issuer);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private Map<String, String> authorizeRequest(String clientId, String scope, Pkce pkce) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("response_type", "code");
    p.put("client_id", clientId);
    p.put("redirect_uri", TestDirectory.APP_CALLBACK);
    p.put("scope", scope);
    p.put("state", "s-123");
    p.put("aud", TestDirectory.HOSPITAL_A);
    if (pkce != null) {
      p.put("code_challenge", pkce.challenge());
      p.put("code_challenge_method", "S256");
    }
    return p;
  }

  private String launch(String patient) throws Exception {
    Reply r = calls.launch("ehr", directory.ehrSecret.reveal(), Map.of("patient", patient));
    assertThat(r.status()).isEqualTo(200);
    return r.json().get("launch").asText();
  }

  private Reply exchange(String code, Pkce pkce) throws Exception {
    return calls.token(Map.of("grant_type", "authorization_code", "code", code,
        "redirect_uri", TestDirectory.APP_CALLBACK, "code_verifier", pkce.verifier()),
        "risk-app", directory.appSecret.reveal());
  }

  private Browser.Outcome asClinician(Map<String, String> request) throws Exception {
    return new Browser(issuer).authorize(request, "house", directory.clinician.password().reveal());
  }

  @Test
  void ehrLaunchBindsPatientInTokenResponseAndAccessToken() throws Exception {
    Pkce pkce = Pkce.fresh();
    Map<String, String> request =
        authorizeRequest("risk-app", "launch openid fhirUser patient/Observation.rs", pkce);
    request.put("launch", launch("p-42"));

    Browser.Outcome outcome = asClinician(request);
    assertThat(outcome.location().toString()).startsWith(TestDirectory.APP_CALLBACK);
    assertThat(outcome.params()).containsEntry("state", "s-123").containsKey("code");

    Reply token = exchange(outcome.code(), pkce);
    assertThat(token.status()).isEqualTo(200);
    assertThat(token.json().get("patient").asText()).isEqualTo("p-42");
    assertThat(token.json().get("scope").asText().split(" "))
        .containsExactlyInAnyOrder("launch", "openid", "fhirUser", "patient/Observation.rs");
    assertThat(token.json().has("refresh_token")).as("no refresh token without offline_access").isFalse();

    JWTClaimsSet jwt = calls.verifiedClaims(token.json().get("access_token").asText());
    assertThat(jwt.getIssuer()).isEqualTo(issuer);
    assertThat(jwt.getAudience()).containsExactly(TestDirectory.HOSPITAL_A);
    assertThat(jwt.getSubject()).isEqualTo("house");
    assertThat(jwt.getStringClaim("client_id")).isEqualTo("risk-app");
    assertThat(jwt.getStringClaim("patient")).isEqualTo("p-42");
    assertThat(jwt.getStringClaim("fhirUser")).isEqualTo("Practitioner/dr-house");
    assertThat(jwt.getStringListClaim("fedfhir_roles")).containsExactly("clinician");
    assertThat(jwt.getClaim("scope")).isInstanceOf(String.class);
    assertThat(jwt.getStringClaim("scope").split(" "))
        .containsExactlyInAnyOrder("launch", "openid", "fhirUser", "patient/Observation.rs");
    assertThat(jwt.getExpirationTime().getTime() - jwt.getIssueTime().getTime()).isEqualTo(5 * 60 * 1000L);

    JWTClaimsSet idToken = calls.verifiedClaims(token.json().get("id_token").asText());
    assertThat(idToken.getStringClaim("fhirUser")).isEqualTo("Practitioner/dr-house");
  }

  @Test
  void standaloneLaunchPatientBindsThePatientUsersOwnRecord() throws Exception {
    Pkce pkce = Pkce.fresh();
    Browser.Outcome outcome = new Browser(issuer).authorize(
        authorizeRequest("patient-app", "launch/patient openid fhirUser patient/Observation.rs", pkce),
        "pat", directory.patient.password().reveal());
    Reply token = calls.token(Map.of("grant_type", "authorization_code", "code", outcome.code(),
        "redirect_uri", TestDirectory.APP_CALLBACK, "code_verifier", pkce.verifier(), "client_id", "patient-app"),
        "patient-app", null);

    assertThat(token.status()).isEqualTo(200);
    assertThat(token.json().get("patient").asText()).isEqualTo("p-7");
    JWTClaimsSet jwt = calls.verifiedClaims(token.json().get("access_token").asText());
    assertThat(jwt.getStringClaim("patient")).isEqualTo("p-7");
    assertThat(jwt.getStringClaim("fhirUser")).isEqualTo("Patient/p-7");
  }

  @Test
  void aStaffUsersStandaloneLaunchPatientBindsThePatientPickedAtThePatientPicker() throws Exception {
    Pkce pkce = Pkce.fresh();
    Browser.Outcome outcome = new Browser(issuer, "p-9").authorize(
        authorizeRequest("risk-app", "launch/patient openid fhirUser patient/Observation.rs", pkce),
        "house", directory.clinician.password().reveal());
    Reply token = exchange(outcome.code(), pkce);

    assertThat(token.status()).as(token.json().toString()).isEqualTo(200);
    assertThat(token.json().get("patient").asText()).isEqualTo("p-9");
    JWTClaimsSet jwt = calls.verifiedClaims(token.json().get("access_token").asText());
    assertThat(jwt.getStringClaim("patient")).isEqualTo("p-9");
    assertThat(jwt.getStringClaim("fhirUser")).isEqualTo("Practitioner/dr-house");
  }

  @Test
  void aPatientPickedByOneUserCannotBeBoundByAnotherUsersAuthorization() throws Exception {
    URI picked = new Browser(issuer).pickPatient(authorizeRequest("risk-app", "launch/patient openid", Pkce.fresh()),
        "house", directory.clinician.password().reveal(), "p-9");
    String launch = Browser.query(picked.getRawQuery()).get("launch");
    assertThat(launch).isNotBlank();

    // the launch value leaks (it is in a URL); the patient user signs in with it to get p-9's record
    Map<String, String> request = authorizeRequest("patient-app", "launch/patient openid patient/Observation.rs",
        Pkce.fresh());
    request.put("launch", launch);
    Browser.Outcome outcome = new Browser(issuer).authorize(request, "pat", directory.patient.password().reveal());

    assertThat(outcome.refused()).isTrue();
    assertThat(outcome.params().get("error_description")).contains("this user opened at the patient picker");
  }

  @Test
  void plainCodeChallengeIsRefused() throws Exception {
    Map<String, String> request = authorizeRequest("risk-app", "openid", null);
    request.put("code_challenge", "a-plain-challenge-that-is-long-enough-to-be-a-verifier-xyz");
    request.put("code_challenge_method", "plain");
    Browser.Outcome outcome = asClinician(request);
    assertThat(outcome.refused()).isTrue();
    assertThat(outcome.params()).containsEntry("error", "invalid_request");
  }

  @Test
  void authorizationRequestWithoutPkceIsRefused() throws Exception {
    Browser.Outcome outcome = asClinician(authorizeRequest("risk-app", "openid", null));
    assertThat(outcome.refused()).isTrue();
  }

  @Test
  void unknownAudIsRefused() throws Exception {
    Map<String, String> request = authorizeRequest("risk-app", "openid", Pkce.fresh());
    request.put("aud", "https://elsewhere.example/fhir");
    Browser.Outcome outcome = asClinician(request);
    assertThat(outcome.refused()).isTrue();
    assertThat(outcome.params().get("error_description")).contains("aud");
  }

  @Test
  void authorizationCodeIsUsableOnce() throws Exception {
    Pkce pkce = Pkce.fresh();
    Browser.Outcome outcome = asClinician(authorizeRequest("risk-app", "openid fhirUser", pkce));
    assertThat(exchange(outcome.code(), pkce).status()).isEqualTo(200);

    Reply again = exchange(outcome.code(), pkce);
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.json().get("error").asText()).isEqualTo("invalid_grant");
  }

  @Test
  void refreshTokenIsRotatedAndTheOldOneRefused() throws Exception {
    Pkce pkce = Pkce.fresh();
    Browser.Outcome outcome = asClinician(authorizeRequest("risk-app", "offline_access user/*.rs", pkce));
    Reply first = exchange(outcome.code(), pkce);
    String refresh = first.json().get("refresh_token").asText();

    Reply refreshed = calls.token(Map.of("grant_type", "refresh_token", "refresh_token", refresh),
        "risk-app", directory.appSecret.reveal());
    assertThat(refreshed.status()).isEqualTo(200);
    assertThat(refreshed.json().get("refresh_token").asText()).isNotEqualTo(refresh);
    JWTClaimsSet jwt = calls.verifiedClaims(refreshed.json().get("access_token").asText());
    assertThat(jwt.getAudience()).containsExactly(TestDirectory.HOSPITAL_A);

    Reply reused = calls.token(Map.of("grant_type", "refresh_token", "refresh_token", refresh),
        "risk-app", directory.appSecret.reveal());
    assertThat(reused.status()).isEqualTo(400);
    assertThat(reused.json().get("error").asText()).isEqualTo("invalid_grant");
  }

  @Test
  void launchValueIsUsableOnce() throws Exception {
    String launch = launch("p-1");
    Map<String, String> request = authorizeRequest("risk-app", "launch patient/Observation.rs", Pkce.fresh());
    request.put("launch", launch);
    assertThat(asClinician(request).code()).isNotNull();

    Map<String, String> again = authorizeRequest("risk-app", "launch patient/Observation.rs", Pkce.fresh());
    again.put("launch", launch);
    Browser.Outcome outcome = asClinician(again);
    assertThat(outcome.refused()).isTrue();
    assertThat(outcome.params().get("error_description")).contains("launch");
  }

  @Test
  void launchEndpointAcceptsOnlyLaunchIssuingClients() throws Exception {
    assertThat(calls.launch("risk-app", directory.appSecret.reveal(), Map.of("patient", "p-1")).status())
        .as("a confidential client without launchIssuer").isEqualTo(401);
    assertThat(calls.launch("ehr", "wrong-secret", Map.of("patient", "p-1")).status()).isEqualTo(401);
  }

  @Test
  void aScopeTheClientIsNotRegisteredForIsRefused() throws Exception {
    Browser.Outcome outcome = asClinician(authorizeRequest("risk-app", "patient/Patient.cruds", Pkce.fresh()));
    assertThat(outcome.params()).containsEntry("error", "invalid_scope");
  }

  @Test
  void discoveryDocumentsListS256OnlyAndTheSmartCapabilities() throws Exception {
    Reply smart = calls.get("/.well-known/smart-configuration");
    assertThat(smart.status()).isEqualTo(200);
    assertThat(smart.json().get("issuer").asText()).isEqualTo(issuer);
    assertThat(smart.json().get("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
    assertThat(smart.json().get("capabilities").toString())
        .contains("launch-ehr", "launch-standalone", "client-confidential-asymmetric", "permission-v2");
    assertThat(smart.json().get("token_endpoint").asText()).isEqualTo(issuer + "/oauth2/token");

    Reply oidc = calls.get("/.well-known/openid-configuration");
    assertThat(oidc.status()).isEqualTo(200);
    assertThat(oidc.json().get("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
    assertThat(oidc.json().get("token_endpoint_auth_methods_supported").toString())
        .isEqualTo("[\"private_key_jwt\",\"client_secret_basic\",\"none\"]");
    assertThat(oidc.json().get("capabilities").size()).isEqualTo(smart.json().get("capabilities").size());
    assertThat(List.of(oidc.json().get("jwks_uri").asText())).containsExactly(issuer + "/oauth2/jwks");
  }
}
