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
import java.time.Clock;
import java.time.Duration;
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
    assertThat(operations).containsExactlyInAnyOrder("attestation", "provision-model", "predict");

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
      assertThat(r.body()).contains("OperationOutcome");
      boolean forSites = !op.equals("provision-model");
      boolean forAggregator = !op.equals("predict");
      HttpResponse<String> bySite = post(siteHttp, path);
      HttpResponse<String> byAggregator = post(aggregator, path);
      assertThat(bySite.statusCode()).as("a site " + op + ": " + bySite.body())
          .matches(s -> forSites ? s != 401 && s != 403 && s < 500 : s == 403);
      assertThat(byAggregator.statusCode()).as("the aggregator " + op + ": " + byAggregator.body())
          .matches(s -> forAggregator ? s != 401 && s != 403 && s < 500 : s == 403);
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
