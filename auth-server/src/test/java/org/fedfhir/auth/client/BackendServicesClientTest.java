package org.fedfhir.auth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.fedfhir.auth.AuthServer;
import org.fedfhir.auth.TestDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** SMART Backend Services against a running server, through {@link BackendServicesClient}. */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackendServicesClientTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private TestDirectory directory;
  private ConfigurableApplicationContext server;
  private String issuer;
  private Path keyDir;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    directory = new TestDirectory(dir);
    keyDir = dir;
    server = AuthServer.start(directory.settings());
    issuer = AuthServer.endpoints(server).issuer();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private BackendServicesClient client(String keyText, String fileName) throws Exception {
    Path key = Files.writeString(keyDir.resolve(fileName), keyText);
    return BackendServicesClient.discover(http, issuer, "pipeline", SigningKey.read(key));
  }

  @Test
  void theRegisteredKeyGetsATokenWithSystemScopeRolesAndAllResources() throws Exception {
    BackendToken token = client(directory.pipeline.privateJwk().reveal(), "pipeline.jwk").requestToken("system/*.rs", null);

    JWTClaimsSet claims = SignedJWT.parse(token.accessToken()).getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo(issuer);
    assertThat(claims.getSubject()).isEqualTo("pipeline");
    assertThat(claims.getStringClaim("client_id")).isEqualTo("pipeline");
    assertThat(claims.getStringClaim("scope")).isEqualTo("system/*.rs");
    assertThat(claims.getStringListClaim("fedfhir_roles")).containsExactly("integrator", "data-steward");
    assertThat(claims.getAudience()).containsExactly(TestDirectory.HOSPITAL_A, TestDirectory.HOSPITAL_B);
    assertThat(claims.getClaim("fhirUser")).isNull();
    assertThat(token.toString()).doesNotContain(token.accessToken());
  }

  @Test
  void thePemFormOfTheKeyWorksAndAudNarrowsTheAudience() throws Exception {
    BackendToken token = client(directory.pipeline.privateKeyPem().reveal(), "pipeline.pem")
        .requestToken("system/Observation.rs", TestDirectory.HOSPITAL_B);
    JWTClaimsSet claims = SignedJWT.parse(token.accessToken()).getJWTClaimsSet();
    assertThat(claims.getAudience()).containsExactly(TestDirectory.HOSPITAL_B);
    assertThat(claims.getStringClaim("scope")).isEqualTo("system/Observation.rs");
  }

  @Test
  void aKeyTheDirectoryDoesNotHoldIsRefused() throws Exception {
    BackendServicesClient intruder = client(directory.intruder.privateJwk().reveal(), "intruder.jwk");
    assertThatThrownBy(() -> intruder.requestToken("system/*.rs", null))
        .isInstanceOfSatisfying(BackendServicesException.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.error()).isEqualTo("invalid_client");
        });
  }

  @Test
  void aReplayedAssertionIsRefused() throws Exception {
    BackendServicesClient pipeline = client(directory.pipeline.privateJwk().reveal(), "pipeline-replay.jwk");
    String assertion = pipeline.signAssertion();
    assertThat(pipeline.exchange(assertion, "system/*.rs", null).accessToken()).isNotBlank();

    assertThatThrownBy(() -> pipeline.exchange(assertion, "system/*.rs", null))
        .isInstanceOfSatisfying(BackendServicesException.class, e -> assertThat(e.error()).isEqualTo("invalid_client"));
  }

  @Test
  void anAssertionForAnotherAudienceIsRefused() throws Exception {
    SigningKey key = SigningKey.read(Files.writeString(keyDir.resolve("aud.jwk"), directory.pipeline.privateJwk().reveal()));
    BackendServicesClient wrongAud = new BackendServicesClient(http, URI.create(issuer + "/oauth2/token"), "pipeline",
        key, Clock.systemUTC());
    BackendServicesClient elsewhere = new BackendServicesClient(http, URI.create("https://other.example/token"),
        "pipeline", key, Clock.systemUTC());
    assertThatThrownBy(() -> wrongAud.exchange(elsewhere.signAssertion(), "system/*.rs", null))
        .isInstanceOfSatisfying(BackendServicesException.class, e -> assertThat(e.error()).isEqualTo("invalid_client"));
  }

  @Test
  void aScopeTheClientIsNotRegisteredForIsRefused() throws Exception {
    BackendServicesClient pipeline = client(directory.pipeline.privateJwk().reveal(), "pipeline-scope.jwk");
    assertThatThrownBy(() -> pipeline.requestToken("system/Observation.c", null))
        .isInstanceOfSatisfying(BackendServicesException.class, e -> assertThat(e.error()).isEqualTo("invalid_scope"));
  }

  @Test
  void anAudThatIsNoResourceOfTheIssuerIsRefused() throws Exception {
    BackendServicesClient pipeline = client(directory.pipeline.privateJwk().reveal(), "pipeline-aud.jwk");
    assertThatThrownBy(() -> pipeline.requestToken("system/*.rs", "https://elsewhere.example/fhir"))
        .isInstanceOfSatisfying(BackendServicesException.class,
            e -> assertThat(e.error()).isEqualTo("invalid_request"));
  }
}
