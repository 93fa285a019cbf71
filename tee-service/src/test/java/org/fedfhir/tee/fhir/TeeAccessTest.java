package org.fedfhir.tee.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.fedfhir.access.ClientTls;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.tee.client.ModelProvisioner;
import org.fedfhir.tee.client.ProvisioningRecord;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.tee.client.TeeServiceException;
import org.fedfhir.tee.model.LinearModel;
import org.fedfhir.tee.model.ModelCodecTest;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TEE model service as a security reviewer would try it: only parties of the network reach it
 * (mutual TLS), each operation only in its role, predictions within budgets, models within the store.
 */
class TeeAccessTest {

  static final double[] PATIENT = {63, 1, 4, 145, 233, 1, 2, 150, 0, 2.3};

  @TempDir
  Path dir;
  SimulatedTeeService tee;

  @AfterEach
  void stop() throws Exception {
    if (tee != null) {
      tee.close();
    }
  }

  TestNetwork start(QueryBudgets budgets, int maxModels) throws Exception {
    TestNetwork network = new TestNetwork(dir);
    tee = SimulatedTeeService.start("127.0.0.1", 0, network.teeTls(), budgets, maxModels, new Object[0]);
    return network;
  }

  AttestationVerifier trusting() {
    return new AttestationVerifier(AttestationPolicy.builder().allowSimulatedEvidence(tee.platformPublicKey())
        .trustMeasurement(tee.measurement()).build());
  }

  HttpClient http(SSLContext ssl) {
    return HttpClient.newBuilder().sslContext(ssl).build();
  }

  HttpResponse<String> post(HttpClient http, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(tee.server().baseUrl() + path))
        .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Parameters\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  SSLContext as(TestNetwork network, String name, String role) {
    network.issue(name, role);
    return ClientTls.mutual(network.file(name + "-cert.pem"), network.file(name + "-key.pem"), network.file("ca.pem"));
  }

  @Test
  void everyOperationIsOpenOnlyToItsRoleAndNobodyWithoutACertificateOfTheNetwork() throws Exception {
    TestNetwork network = start(QueryBudgets.defaults(), 4);
    IGenericClient site = network.client("cleveland", "site", tee.server().baseUrl());
    CapabilityStatement cs = site.capabilities().ofType(CapabilityStatement.class).execute();
    List<String> operations = cs.getRestFirstRep().getOperation().stream().map(o -> o.getName()).toList();
    assertThat(operations).containsExactlyInAnyOrder("attestation", "provision-model", "predict", "clean-room-submit",
        "clean-room-result");

    HttpClient anonymous = http(ClientTls.trusting(network.file("ca.pem")));
    HttpClient siteHttp = http(as(network, "hungarian", "site"));
    HttpClient aggregator = http(as(network, "aggregator", "aggregator"));
    HttpClient researcher = http(as(network, "alice", "researcher"));
    TestNetwork other = new TestNetwork(Files.createTempDirectory(dir, "other"));
    HttpClient foreign = http(as(other, "mallory", "site"));
    for (String op : operations) {
      String path = "/$" + op;
      assertThatThrownBy(() -> post(anonymous, path)).as("no certificate: no connection " + op)
          .isInstanceOf(IOException.class);
      assertThatThrownBy(() -> post(foreign, path)).as("another CA's certificate " + op)
          .isInstanceOf(IOException.class);
      HttpResponse<String> r = post(researcher, path);
      assertThat(r.statusCode()).as("a researcher " + op).isEqualTo(403);
      assertThat(r.body()).contains("OperationOutcome").doesNotContain("sealedPrediction", "evidence", "sealedResult");
      boolean forSites = !op.equals("provision-model");
      boolean forAggregator = !op.equals("predict") && !op.equals("clean-room-submit");
      HttpResponse<String> bySite = post(siteHttp, path);
      HttpResponse<String> byAggregator = post(aggregator, path);
      assertThat(bySite.statusCode()).as("a site " + op + ": " + bySite.body())
          .matches(s -> forSites ? s != 401 && s != 403 && s < 500 : s == 403);
      assertThat(byAggregator.statusCode()).as("the aggregator " + op + ": " + byAggregator.body())
          .matches(s -> forAggregator ? s != 401 && s != 403 && s < 500 : s == 403);
    }
  }

  @Test
  void realRequestsSucceedOnlyFromTheirRoleAndAnswersAreRoundedToThreeDecimals() throws Exception {
    TestNetwork network = start(QueryBudgets.defaults(), 4);
    String url = tee.server().baseUrl();
    LinearModel model = ModelCodecTest.heartModel();

    for (String[] wrong : new String[][] {{"cleveland", "site"}, {"alice", "researcher"}, {"tee", "tee"}}) {
      ModelProvisioner provisioner = new ModelProvisioner(network.client(wrong[0], wrong[1], url), trusting(),
          Clock.systemUTC());
      assertThatThrownBy(() -> provisioner.provision(model)).as("$provision-model by a " + wrong[1])
          .isInstanceOfSatisfying(TeeServiceException.class, e -> assertThat(e.status()).isEqualTo(403));
    }
    ProvisioningRecord record = new ModelProvisioner(network.client("aggregator", "aggregator", url), trusting(),
        Clock.systemUTC()).provision(model);

    for (String[] wrong : new String[][] {{"aggregator", "aggregator"}, {"alice", "researcher"}, {"tee", "tee"}}) {
      TeeClient client = new TeeClient(network.client(wrong[0], wrong[1], url), trusting(), Clock.systemUTC(),
          new SecureRandom());
      assertThatThrownBy(() -> client.predict(model.study(), record.modelDigest(), model.featureNames(), PATIENT))
          .as("$predict by a " + wrong[1])
          .isInstanceOfSatisfying(TeeServiceException.class, e -> assertThat(e.status()).isEqualTo(403));
    }
    double risk = new TeeClient(network.client("cleveland", "site", url), trusting(), Clock.systemUTC(),
        new SecureRandom()).predict(model.study(), record.modelDigest(), model.featureNames(), PATIENT);
    assertThat(risk).isEqualTo(BigDecimal.valueOf(model.predict(PATIENT)).setScale(3, RoundingMode.HALF_EVEN)
        .doubleValue());
    assertThat(BigDecimal.valueOf(risk).scale()).isLessThanOrEqualTo(3);
  }

  @Test
  void aCertificateNamingNoRoleOrABearerTokenIsRefusedWithAnOperationOutcome() throws Exception {
    TestNetwork network = start(QueryBudgets.defaults(), 4);
    network.issueNamed("nobody", "CN=nobody,O=FedFHIR network");
    SSLContext noRole = ClientTls.mutual(network.file("nobody-cert.pem"), network.file("nobody-key.pem"),
        network.file("ca.pem"));
    SSLContext site = as(network, "cleveland", "site");
    // a new connection per request: refused before its body is read, a request's connection is closed
    for (String op : List.of(TeeOperations.ATTESTATION, TeeOperations.PROVISION_MODEL, TeeOperations.PREDICT)) {
      HttpResponse<String> r = post(http(noRole), "/" + op);
      assertThat(r.statusCode()).as("a certificate without a role, " + op).isEqualTo(401);
      assertThat(r.body()).contains("OperationOutcome", "names no FedFHIR role");
      HttpResponse<String> token = http(site).send(HttpRequest.newBuilder(URI.create(tee.server().baseUrl() + "/" + op))
          .header("Authorization", "Bearer " + Base64.getUrlEncoder().encodeToString("{}".getBytes()) + ".e30.sig")
          .header("Content-Type", "application/fhir+json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Parameters\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(token.statusCode()).as("a bearer token, " + op).isEqualTo(401);
      assertThat(token.body()).contains("OperationOutcome", "accepts no access tokens");
    }
  }

  @Test
  void everythingBesideTheOperationsIs403WithAnOperationOutcome() throws Exception {
    TestNetwork network = start(QueryBudgets.defaults(), 4);
    SSLContext site = as(network, "cleveland", "site");
    for (String[] request : new String[][] {{"GET", "/Patient/1"}, {"DELETE", "/Patient/1"}, {"GET", "/_history"},
        {"GET", "/$meta"}, {"GET", "/OperationDefinition"}, {"POST", ""}, {"GET", ""}}) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(tee.server().baseUrl() + request[1]))
          .header("Accept", "application/fhir+json");
      b = request[0].equals("POST")
          ? b.header("Content-Type", "application/fhir+json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Bundle\",\"type\":\"transaction\"}"))
          : b.method(request[0], HttpRequest.BodyPublishers.noBody());
      HttpResponse<String> r = http(site).send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(request[0] + " " + request[1] + ": " + r.body()).isEqualTo(403);
      assertThat(r.body()).contains("OperationOutcome");
    }
    HttpResponse<String> metadata = http(site).send(HttpRequest.newBuilder(URI.create(tee.server().baseUrl() + "/metadata"))
        .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(metadata.statusCode()).isEqualTo(200);
  }

  @Test
  void predictionsOfAModelTheEnclaveDoesNotHoldAre404AndKeepNoBudget() throws Exception {
    QueryBudgets budgets = new QueryBudgets(1, 10, Duration.ofHours(24), Clock.systemUTC());
    TestNetwork network = start(budgets, 4);
    String url = tee.server().baseUrl();
    LinearModel model = ModelCodecTest.heartModel();
    ProvisioningRecord record = new ModelProvisioner(network.client("aggregator", "aggregator", url), trusting(),
        Clock.systemUTC()).provision(model);
    TeeClient site = new TeeClient(network.client("cleveland", "site", url), trusting(), Clock.systemUTC(),
        new SecureRandom());
    for (int i = 0; i < 5; i++) {
      String invented = "http://example.org/study/invented-" + i;
      assertThatThrownBy(() -> site.predict(invented, record.modelDigest(), model.featureNames(), PATIENT))
          .isInstanceOfSatisfying(TeeServiceException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.code()).isEqualTo("unknown-model");
          });
    }
    assertThat(budgets.windowsKept()).as("no budget kept for studies the enclave does not hold").isZero();
    site.predict(model.study(), record.modelDigest(), model.featureNames(), PATIENT);
    assertThat(budgets.windowsKept()).isEqualTo(2);
  }

  @Test
  void aSpentBudgetSaysWhenItResetsAndResetsThen() throws Exception {
    MovableClock clock = new MovableClock(Instant.parse("2026-12-05T08:00:00Z"));
    TestNetwork network = start(new QueryBudgets(1, 100, Duration.ofHours(24), clock), 4);
    String url = tee.server().baseUrl();
    LinearModel model = ModelCodecTest.heartModel();
    ProvisioningRecord record = new ModelProvisioner(network.client("aggregator", "aggregator", url), trusting(),
        Clock.systemUTC()).provision(model);
    TeeClient site = new TeeClient(network.client("cleveland", "site", url), trusting(), Clock.systemUTC(),
        new SecureRandom());
    site.predict(model.study(), record.modelDigest(), model.featureNames(), PATIENT);
    clock.now = Instant.parse("2026-12-06T07:59:00Z");
    assertThatThrownBy(() -> site.predict(model.study(), record.modelDigest(), model.featureNames(), PATIENT))
        .isInstanceOfSatisfying(TeeServiceException.class, e -> {
          assertThat(e.status()).isEqualTo(429);
          assertThat(e.getMessage()).contains("this site's query budget", "resets at 2026-12-06T08:00:00Z");
        });
    clock.now = Instant.parse("2026-12-06T08:00:00Z");
    assertThat(site.predict(model.study(), record.modelDigest(), model.featureNames(), PATIENT)).isBetween(0.0, 1.0);
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void predictionsStopAtTheSitesAndTheStudysBudgetWith429() throws Exception {
    TestNetwork network = start(new QueryBudgets(2, 3, Duration.ofHours(24), Clock.systemUTC()), 4);
    LinearModel model = ModelCodecTest.heartModel();
    ProvisioningRecord record = new ModelProvisioner(network.client("aggregator", "aggregator",
        tee.server().baseUrl()), trusting(), Clock.systemUTC()).provision(model);
    TeeClient cleveland = new TeeClient(network.client("cleveland", "site", tee.server().baseUrl()), trusting(),
        Clock.systemUTC(), new SecureRandom());
    TeeClient va = new TeeClient(network.client("va", "site", tee.server().baseUrl()), trusting(),
        Clock.systemUTC(), new SecureRandom());
    for (int i = 0; i < 2; i++) {
      cleveland.predict(model.study(), record.modelDigest(), model.featureNames(), PATIENT);
    }
    assertThatThrownBy(() -> cleveland.predict(model.study(), record.modelDigest(), model.featureNames(), PATIENT))
        .isInstanceOfSatisfying(TeeServiceException.class, e -> {
          assertThat(e.status()).isEqualTo(429);
          assertThat(e.getMessage()).contains("this site's query budget");
        });
    va.predict(model.study(), record.modelDigest(), model.featureNames(), PATIENT);
    assertThatThrownBy(() -> va.predict(model.study(), record.modelDigest(), model.featureNames(), PATIENT))
        .isInstanceOfSatisfying(TeeServiceException.class, e -> {
          assertThat(e.status()).isEqualTo(429);
          assertThat(e.getMessage()).contains("the study's query budget");
        });
  }

  @Test
  void theModelStoreRefusesOneStudyMoreButTakesAStudysNewModel() throws Exception {
    TestNetwork network = start(QueryBudgets.defaults(), 1);
    ModelProvisioner aggregator = new ModelProvisioner(network.client("aggregator", "aggregator",
        tee.server().baseUrl()), trusting(), Clock.systemUTC());
    LinearModel first = ModelCodecTest.heartModel();
    aggregator.provision(first);
    LinearModel retrained = new LinearModel(first.study(), "11", first.featureNames(), first.means(), first.sds(),
        first.weights(), first.bias() + 0.1);
    aggregator.provision(retrained);
    LinearModel another = new LinearModel(first.study() + "-other", "1", first.featureNames(), first.means(),
        first.sds(), first.weights(), first.bias());
    assertThatThrownBy(() -> aggregator.provision(another))
        .isInstanceOfSatisfying(TeeServiceException.class, e -> {
          assertThat(e.status()).isEqualTo(507);
          assertThat(e.code()).isEqualTo("model-store-full");
        });
  }
}
