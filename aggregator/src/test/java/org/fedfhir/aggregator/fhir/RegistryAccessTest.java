package org.fedfhir.aggregator.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import org.fedfhir.access.ClientTls;
import org.fedfhir.access.Role;
import org.fedfhir.access.TlsSettings;
import org.fedfhir.aggregator.pki.CertificateAuthority;
import org.fedfhir.aggregator.pki.Credentials;
import org.fedfhir.aggregator.pki.PemFiles;
import org.fedfhir.aggregator.round.Coordinators;
import org.fedfhir.aggregator.round.SecAggSecureSum;
import org.fedfhir.aggregator.statistics.InMemoryReleaseStore;
import org.fedfhir.aggregator.statistics.SecureStatsService;
import org.fedfhir.aggregator.statistics.StatisticsStudies;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.ig.FedFhirIg;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregator's FHIR endpoint as a security reviewer would try it, over real HTTPS with real
 * certificates of a network CA and real signed tokens: every interaction and operation its
 * CapabilityStatement exposes, anonymous, as a party without the researcher role, as a researcher who
 * does not own the study, and as its owner.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryAccessTest {

  static final FhirContext CTX = FhirContext.forR4Cached();
  static final String AUDIENCE = "https://aggregator.example/fhir";

  final TestTokens tokens = new TestTokens(AUDIENCE);
  /** Another trusted issuer, whose subjects may be named like the first one's. */
  final TestTokens partner = new TestTokens(AUDIENCE, "https://auth.partner.example");
  StudyRegistryServer server;
  Path dir;
  HttpClient anonymous;
  HttpClient site;
  HttpClient carol;
  HttpClient foreign;
  PlanDefinition statisticsStudy;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    CertificateAuthority ca = CertificateAuthority.create("registry test network");
    PemFiles.writeCertificate(dir.resolve("ca.pem"), ca.certificate());
    write("aggregator", ca.issue("aggregator"));
    write("cleveland", ca.issue("cleveland"));
    write("carol", ca.issue("carol", Role.RESEARCHER, List.of()));
    write("mallory", CertificateAuthority.create("another network").issue("mallory", Role.RESEARCHER, List.of()));
    InMemoryStudyStore store = new InMemoryStudyStore();
    Coordinators sessions = Coordinators.startUp(store, new SecAggSecureSum(), (delay, task) -> () -> { },
        Clock.systemUTC(), Duration.ofSeconds(5), FixedPointEncoding.getDefaultInstance()).coordinators();
    StatisticsStudies statistics = new StatisticsStudies(sessions, store, new InMemoryReleaseStore(),
        Clock.systemUTC(), "test aggregator");
    SecureStatsService secureStats = new SecureStatsService(statistics, Duration.ofMillis(100), Duration.ofSeconds(5));
    RegistryAccess access = new RegistryAccess(new TlsSettings(dir.resolve("aggregator-cert.pem"),
        dir.resolve("aggregator-key.pem"), dir.resolve("ca.pem"), TlsSettings.ClientAuth.WANT), false,
        List.of(tokens.verifier(), partner.verifier()));
    server = StudyRegistryServer.start(CompletableFuture.completedFuture(FedFhirIg.load()), store, secureStats,
        access, "127.0.0.1", 0);
    anonymous = client(ClientTls.trusting(dir.resolve("ca.pem")));
    site = client(mutual("cleveland"));
    carol = client(mutual("carol"));
    foreign = client(mutual("mallory"));
    try (InputStream in = FedFhirIg.class.getClassLoader()
        .getResourceAsStream("org/fedfhir/ig/generated/resources/PlanDefinition-statistics-heart-disease.json")) {
      statisticsStudy = CTX.newJsonParser().parseResource(PlanDefinition.class, in);
    }
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  void write(String name, Credentials c) {
    PemFiles.writeCertificate(dir.resolve(name + "-cert.pem"), c.certificate());
    PemFiles.writePrivateKey(dir.resolve(name + "-key.pem"), c.privateKey());
  }

  SSLContext mutual(String name) {
    return ClientTls.mutual(dir.resolve(name + "-cert.pem"), dir.resolve(name + "-key.pem"), dir.resolve("ca.pem"));
  }

  static HttpClient client(SSLContext ssl) {
    return HttpClient.newBuilder().sslContext(ssl).build();
  }

  HttpResponse<String> send(HttpClient http, String token, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
        .header("Accept", "application/fhir+json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/fhir+json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
        throw e;
      }
      // the server closed a pooled connection after refusing a request early: send once more, as clients do
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  static final String ANONYMOUS = "authentication required";
  static final String NOT_RESEARCHER = "the researcher role is required";
  static final String NOT_OWNER = "only the researcher who published this study may";

  /** A refusal: this status, an OperationOutcome with this message, and no owner named. */
  static void refused(HttpResponse<String> r, int status, String message, String what) {
    assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(status);
    assertThat(r.body()).as(what).contains("OperationOutcome").contains(message)
        .doesNotContain("token:").doesNotContain("certificate:").doesNotContain("alice");
  }

  String study(String id) {
    return study(id, id);
  }

  /** The study {@code name} (its canonical URL) under the logical id {@code id}. */
  String study(String id, String name) {
    PlanDefinition pd = statisticsStudy.copy();
    pd.setId(id);
    pd.setUrl(statisticsStudy.getUrl() + "-" + name);
    return CTX.newJsonParser().encodeResourceToString(pd);
  }

  /** One request per interaction and operation the CapabilityStatement lists. */
  record Call(String method, String path, boolean body) {}

  List<Call> walk() throws Exception {
    HttpResponse<String> metadata = send(anonymous, null, "GET", "/metadata", null);
    assertThat(metadata.statusCode()).as("the CapabilityStatement is public").isEqualTo(200);
    CapabilityStatement cs = CTX.newJsonParser().parseResource(CapabilityStatement.class, metadata.body());
    List<Call> calls = new ArrayList<>();
    for (var r : cs.getRestFirstRep().getResource()) {
      for (var i : r.getInteraction()) {
        switch (i.getCode().toCode()) {
          case "read" -> calls.add(new Call("GET", "/" + r.getType() + "/walked", false));
          case "update" -> calls.add(new Call("PUT", "/" + r.getType() + "/walked", true));
          case "delete" -> calls.add(new Call("DELETE", "/" + r.getType() + "/walked", false));
          default -> throw new AssertionError("an interaction the walk does not know: " + i.getCode().toCode());
        }
      }
      for (var o : r.getOperation()) {
        calls.add(new Call("POST", "/" + r.getType() + "/walked/$" + o.getName(), false));
      }
    }
    assertThat(calls).extracting(Call::method).contains("GET", "PUT", "DELETE", "POST");
    // retiring ends the study: walk it last
    calls.sort(java.util.Comparator.comparing(c -> c.method().equals("DELETE")));
    return calls;
  }

  @Test
  void everyInteractionIsRefusedAnonymouslyAndWithoutTheResearcherRoleAndOpenToTheOwner() throws Exception {
    String clinician = tokens.user("house", List.of("clinician"));
    String alice = tokens.user("alice", List.of("researcher"));
    String bob = tokens.user("bob", List.of("researcher"));
    for (Call c : walk()) {
      String body = body(c);
      refused(send(anonymous, null, c.method(), c.path(), body), 401, ANONYMOUS, "anonymous " + c);
      if (c.path().startsWith("/OperationDefinition/")) {
        assertThat(send(anonymous, clinician, c.method(), c.path(), body).statusCode())
            .as("the operations' definitions are open to any authenticated caller").isEqualTo(404);
        assertThat(send(site, null, "GET", "/OperationDefinition/PlanDefinition-i-secure-stats", null).statusCode())
            .isEqualTo(200);
        continue;
      }
      refused(send(anonymous, clinician, c.method(), c.path(), body), 403, NOT_RESEARCHER, "a clinician " + c);
      HttpResponse<String> bySite = send(site, null, c.method(), c.path(), body);
      if (c.method().equals("GET")) {
        assertThat(bySite.statusCode()).as("a site may read a published study").isEqualTo(404);
      } else {
        refused(bySite, 403, NOT_RESEARCHER, "a site " + c);
      }
    }
    // alice publishes; the walk again as bob (another researcher), then as alice (the owner)
    assertThat(send(anonymous, alice, "PUT", "/PlanDefinition/walked", study("walked")).statusCode()).isEqualTo(201);
    for (Call c : walk()) {
      if (c.path().startsWith("/OperationDefinition/")) {
        continue; // not a study
      }
      String body = body(c);
      HttpResponse<String> other = send(anonymous, bob, c.method(), c.path(), body);
      HttpResponse<String> bySite = send(site, null, c.method(), c.path(), body);
      HttpResponse<String> owner = send(anonymous, alice, c.method(), c.path(), body);
      assertThat(owner.statusCode()).as("the owner " + c + ": " + owner.body()).isNotIn(401, 403, 500);
      if (c.method().equals("GET")) {
        assertThat(owner.statusCode()).isEqualTo(200);
        assertThat(other.statusCode()).as("any researcher reads what the owner reads").isEqualTo(200);
        assertThat(bySite.statusCode()).as("a site reads a published study").isEqualTo(200);
        assertThat(other.body()).as("the owner never leaves the aggregator").doesNotContain("study-owner")
            .doesNotContain("alice");
      } else {
        refused(other, 403, NOT_OWNER, "another researcher " + c);
        refused(bySite, 403, NOT_RESEARCHER, "a site " + c);
      }
      switch (c.method()) {
        case "PUT" -> assertThat(owner.statusCode()).as("the owner replaces it").isEqualTo(200);
        case "POST" -> assertThat(owner.statusCode()).as("the owner's run is authorised, then finds no site: "
            + owner.body()).isEqualTo(412);
        case "DELETE" -> assertThat(owner.statusCode()).as("the owner retires it").isEqualTo(200);
        default -> { }
      }
    }
    assertThat(send(anonymous, alice, "GET", "/PlanDefinition/walked", null).statusCode())
        .as("a retired study is no longer served").isEqualTo(404);
    assertThat(send(anonymous, alice, "POST", "/PlanDefinition/walked/$secure-stats", null).statusCode())
        .as("nor released").isEqualTo(404);
    HttpResponse<String> again = send(anonymous, alice, "PUT", "/PlanDefinition/walked", study("walked"));
    assertThat(again.statusCode()).as("nor published again: " + again.body()).isEqualTo(409);
    assertThat(again.body()).contains("publish a new version");
  }

  String body(Call c) {
    return c.body() ? study("walked") : c.method().equals("POST") ? "{\"resourceType\":\"Parameters\"}" : null;
  }

  @Test
  void anotherResearcherCannotTakeAStudyUnderAnotherIdNorWithAnotherIssuersSameSubject() throws Exception {
    String alice = tokens.user("alice", List.of("researcher"));
    assertThat(send(anonymous, alice, "PUT", "/PlanDefinition/alices", study("alices")).statusCode()).isEqualTo(201);
    refused(send(anonymous, tokens.user("bob", List.of("researcher")), "PUT", "/PlanDefinition/bobs-copy",
        study("bobs-copy", "alices")), 403, NOT_OWNER, "alice's study under another id");
    assertThat(send(anonymous, tokens.user("bob", List.of("researcher")), "GET", "/PlanDefinition/bobs-copy", null)
        .statusCode()).as("nothing was published").isEqualTo(404);
    String partnersAlice = partner.user("alice", List.of("researcher"));
    refused(send(anonymous, partnersAlice, "PUT", "/PlanDefinition/alices", study("alices")), 403, NOT_OWNER,
        "another issuer's alice");
    refused(send(anonymous, partnersAlice, "POST", "/PlanDefinition/alices/$secure-stats", null), 403, NOT_OWNER,
        "another issuer's alice asking for releases");
    assertThat(send(anonymous, alice, "PUT", "/PlanDefinition/alices", study("alices")).statusCode()).isEqualTo(200);
  }

  @Test
  void aResearchersClientCertificateOwnsWhatItPublishes() throws Exception {
    assertThat(send(carol, null, "PUT", "/PlanDefinition/carols", study("carols")).statusCode()).isEqualTo(201);
    refused(send(anonymous, tokens.user("carol", List.of("researcher")), "PUT", "/PlanDefinition/carols",
        study("carols")), 403, NOT_OWNER, "a token whose subject is the certificate's name");
    assertThat(send(carol, null, "PUT", "/PlanDefinition/carols", study("carols")).statusCode()).isEqualTo(200);
    assertThat(send(carol, null, "POST", "/PlanDefinition/carols/$secure-stats", "{\"resourceType\":\"Parameters\"}")
        .statusCode()).isEqualTo(412);
  }

  @Test
  void expiredAndMisaddressedTokensAndForeignCertificatesAreRefused() throws Exception {
    refused(send(anonymous, tokens.token("alice", List.of("researcher"), AUDIENCE, Instant.now().minusSeconds(120)),
        "GET", "/PlanDefinition/walked", null), 401, "the access token was refused", "expired");
    refused(send(anonymous, tokens.token("alice", List.of("researcher"), "https://other.example/fhir",
        Instant.now().plusSeconds(60)), "GET", "/PlanDefinition/walked", null), 401, "the access token was refused", "another audience");
    // a certificate of another CA is not taken as anyone's: the handshake fails or the caller is anonymous
    try {
      refused(send(foreign, null, "GET", "/PlanDefinition/walked", null), 401, ANONYMOUS, "a certificate of another CA");
    } catch (IOException handshakeRefused) {
      assertThat(handshakeRefused).isNotNull();
    }
  }

  @Test
  void plainHttpNeedsToBeAskedFor() {
    assertThatThrownBy(() -> new RegistryAccess(null, false, List.of()))
        .hasMessageContaining("--fhir-insecure-http");
    org.assertj.core.api.Assertions.assertThatCode(() -> new org.fedfhir.aggregator.config.AggregatorSettings
        .FhirEndpoint("0.0.0.0", 0, true, List.of())).as("allowed when asked for").doesNotThrowAnyException();
    assertThat(server.baseUrl()).startsWith("https://127.0.0.1:");
  }
}
