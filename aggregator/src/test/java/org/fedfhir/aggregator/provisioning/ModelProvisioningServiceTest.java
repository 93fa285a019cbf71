package org.fedfhir.aggregator.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.ModelProvisioning;
import org.fedfhir.aggregator.store.ModelSpec;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStatus;
import org.fedfhir.aggregator.strategy.ModelVector;
import org.fedfhir.federation.NeuralNetwork;
import org.fedfhir.federation.Strategy;
import org.fedfhir.aggregator.testing.TestPki;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.attestation.Measurement;
import org.fedfhir.tee.client.ModelProvisioner;
import org.fedfhir.tee.client.ServedModel;
import org.fedfhir.tee.client.ServedModelsFile;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.tee.fhir.SimulatedTeeService;
import org.fedfhir.tee.model.LinearModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End of a study: the final global model provisioned into the real TEE service (simulated evidence, loopback). */
class ModelProvisioningServiceTest {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  static final List<String> FEATURES = List.of("age", "chol", "thalach");
  static final Counter COUNTER = new Counter();
  static SimulatedTeeService tee;
  static FhirContext ctx;

  @Interceptor
  static final class Counter {
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void count(RequestDetails request) {
      calls.computeIfAbsent(String.valueOf(request.getOperation()), k -> new AtomicInteger()).incrementAndGet();
    }

    int of(String operation) {
      AtomicInteger n = calls.get(operation);
      return n == null ? 0 : n.get();
    }
  }

  @TempDir
  Path dir;

  /** The site's client for predictions (the aggregator's provisions: the TEE tells them apart by certificate). */
  static FhirContext siteCtx;

  @BeforeAll
  static void startTee(@TempDir Path tmp) throws Exception {
    TestPki pki = TestPki.init(tmp.resolve("pki"), "cleveland");
    tee = SimulatedTeeService.start("127.0.0.1", 0, pki.teeTls(), COUNTER);
    ctx = pki.client("aggregator");
    siteCtx = pki.client("cleveland");
  }

  @AfterAll
  static void stopTee() throws Exception {
    tee.close();
  }

  static ProvisioningSettings settings(Measurement trusted, Path modelsFile) {
    return new ProvisioningSettings(tee.server().baseUrl(), List.of(trusted.hex()),
        List.of(HexFormat.of().formatHex(tee.platformPublicKey())), false, null, modelsFile);
  }

  static ModelProvisioningService service(InMemoryStudyStore store, ProvisioningSettings settings, Clock clock) {
    ModelProvisioner provisioner = new ModelProvisioner(ctx.newRestfulGenericClient(settings.url()),
        new AttestationVerifier(settings.policy()), clock);
    return new ModelProvisioningService(store, provisioner, settings.url(), settings.modelsFile(), clock);
  }

  /** A completed fedavg study: standardisation, one training round (4 sites, one dropped out), evaluation. */
  static StudyRef completedStudy(InMemoryStudyStore store, ModelVector finalModel, Strategy strategy, boolean share) {
    return completedStudy(store, finalModel, strategy, share, ModelSpec.DEFAULT_PRECISION);
  }

  static StudyRef completedStudy(InMemoryStudyStore store, ModelVector finalModel, Strategy strategy, boolean share,
      int precision) {
    return completedStudy(store, finalModel, strategy, share, precision, null);
  }

  /** As above; an mlp study's when {@code network} is not null. */
  static StudyRef completedStudy(InMemoryStudyStore store, ModelVector finalModel, Strategy strategy, boolean share,
      int precision, NeuralNetwork network) {
    StudyRef ref = new StudyRef("http://example.org/fhir/PlanDefinition/" + java.util.UUID.randomUUID(), "1");
    store.registerStudy(StudyPlan.training(ref, "ab".repeat(32)).strategy(strategy).rounds(1).minSites(2)
        .modelDimension(finalModel.dimension()).network(network).build());
    store.recordModelSpec(ref, new ModelSpec(FEATURES, network == null ? "logistic-regression" : "mlp", share,
        precision));
    List<String> sites = List.of("a", "b", "c", "d");
    Map<String, Double> standardisation = new HashMap<>();
    double[] means = {54, 240, 150};
    double[] sds = {9, 50, 23};
    for (int j = 0; j < 3; j++) {
      standardisation.put("mean." + j, means[j]);
      standardisation.put("sd." + j, sds[j]);
    }
    store.beginRound(ref, 1, sites, T0);
    store.completeRound(ref, 1, List.of(), ModelVector.zeros(finalModel.dimension()), new byte[0], standardisation, T0);
    store.beginRound(ref, 2, sites, T0);
    store.completeRound(ref, 2, List.of("d"), finalModel, new byte[0], Map.of(), T0);
    store.beginRound(ref, 3, sites, T0);
    store.completeRound(ref, 3, List.of("d"), finalModel, new byte[0], Map.of("accuracy", 0.8), T0);
    store.setStatus(ref, StudyStatus.COMPLETED);
    return ref;
  }

  @Test
  void aCompletedStudysTwoRowModelIsProvisionedOnceRecordedAndServedAsTheSoftmaxOfItsRows() throws Exception {
    InMemoryStudyStore store = new InMemoryStudyStore();
    ModelVector twoRows = ModelVector.of(0.1, 0.2, -0.3, 0.05, -0.4, 0.9, 0.35, -0.6);
    StudyRef ref = completedStudy(store, twoRows, Strategy.FEDAVG, false);
    Path models = dir.resolve("fedfhir.models");
    ModelProvisioningService service = service(store, settings(tee.measurement(), models), Clock.systemUTC());
    int sent = COUNTER.of("$provision-model");

    List<ModelProvisioning> done = service.provisionCompletedStudies();

    assertThat(done).singleElement().satisfies(p -> {
      assertThat(p.measurement()).isEqualTo(tee.measurement().hex());
      assertThat(p.round()).isEqualTo(3);
      assertThat(p.globalModelDigest()).isEqualTo(twoRows.digest());
      assertThat(p.evidenceFormat()).isEqualTo("simulated");
    });
    assertThat(store.provisionings(ref)).isEqualTo(done);
    assertThat(service.provisionCompletedStudies()).isEmpty();
    assertThat(COUNTER.of("$provision-model")).isEqualTo(sent + 1);
    ServedModel served = ServedModelsFile.parse(Files.readAllLines(models)).get(ref.url() + "|1");
    assertThat(served.modelDigest()).isEqualTo(done.get(0).modelDigest());
    assertThat(served.siteCount()).isEqualTo(4);
    assertThat(Files.readString(models)).doesNotContain("0.35").doesNotContain("0.9");

    double[] x = {61, 300, 120};
    double[] z = {(61 - 54) / 9.0, (300 - 240) / 50.0, (120 - 150) / 23.0};
    double s0 = 0.1 + 0.2 * z[0] - 0.3 * z[1] + 0.05 * z[2];
    double s1 = -0.4 + 0.9 * z[0] + 0.35 * z[1] - 0.6 * z[2];
    double softmax1 = Math.exp(s1) / (Math.exp(s0) + Math.exp(s1));
    TeeClient site = new TeeClient(siteCtx.newRestfulGenericClient(tee.server().baseUrl()),
        new AttestationVerifier(settings(tee.measurement(), null).policy()), Clock.systemUTC(), new SecureRandom());
    assertThat(site.predict(ref.url() + "|1", served.modelDigest(), FEATURES, x)).as("rounded to 3 decimals")
        .isCloseTo(softmax1, within(5e-4));
  }

  @Test
  void aCompletedMlpStudysNetworkIsProvisionedSealedAndTheTeeEvaluatesItAsTheFlatParametersDo() throws Exception {
    InMemoryStudyStore store = new InMemoryStudyStore();
    NeuralNetwork network = new NeuralNetwork(3, List.of(4, 2), 43L);
    double[] theta = network.initial();
    for (int k = 0; k < theta.length; k++) {
      theta[k] += 0.2 * Math.cos(3.0 * k);
    }
    StudyRef ref = completedStudy(store, ModelVector.of(theta), Strategy.FEDADAM, false, 6, network);

    List<ModelProvisioning> done = service(store, settings(tee.measurement(), null), Clock.systemUTC())
        .provisionCompletedStudies();

    assertThat(done).singleElement().satisfies(p -> assertThat(p.globalModelDigest())
        .isEqualTo(ModelVector.of(theta).digest()));
    TeeClient site = new TeeClient(siteCtx.newRestfulGenericClient(tee.server().baseUrl()),
        new AttestationVerifier(settings(tee.measurement(), null).policy()), Clock.systemUTC(), new SecureRandom());
    double[] z = {(61 - 54) / 9.0, (300 - 240) / 50.0, (120 - 150) / 23.0};
    assertThat(site.predict(ref.url() + "|1", done.get(0).modelDigest(), FEATURES, new double[] {61, 300, 120}))
        .as("the network in the clear, rounded to 6 decimals in the enclave")
        .isCloseTo(network.probability(theta, z), within(5e-7));
  }

  @Test
  void theTeeAnswersToThePrecisionTheStudyDeclares() throws Exception {
    InMemoryStudyStore store = new InMemoryStudyStore();
    StudyRef ref = completedStudy(store, ModelVector.of(0.1, 0.2, -0.3, 0.05, -0.4, 0.9, 0.35, -0.6), Strategy.FEDAVG,
        false, 1);
    List<ModelProvisioning> done = service(store, settings(tee.measurement(), null), Clock.systemUTC())
        .provisionCompletedStudies();
    TeeClient site = new TeeClient(siteCtx.newRestfulGenericClient(tee.server().baseUrl()),
        new AttestationVerifier(settings(tee.measurement(), null).policy()), Clock.systemUTC(), new SecureRandom());
    double p = site.predict(ref.url() + "|1", done.get(0).modelDigest(), FEATURES, new double[] {61, 300, 120});
    assertThat(p * 10).as("one decimal, as the study declares: " + p).isEqualTo(Math.rint(p * 10));
  }

  @Test
  void aPlainHttpTeeUrlIsRefusedAtConfigurationNamingTheFlag() {
    assertThatThrownBy(() -> new ProvisioningSettings("http://127.0.0.1:8093/fhir", List.of("00"), List.of(), false,
        null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--tee")
        .hasMessageContaining("https://");
  }

  @Test
  void newtonsLayoutIsTheLogisticModelDirectly() {
    StudyRef ref = new StudyRef("http://example.org/s", "2");
    LinearModel m = ServableModels.of(ref, "12", Strategy.NEWTON, new ModelSpec(FEATURES, "logistic-regression", false),
        ModelVector.of(0.5, -0.25, 1.5, -2), new double[] {1, 2, 3}, new double[] {1, 1, 2});

    assertThat(m.weights()).containsExactly(0.5, -0.25, 1.5);
    assertThat(m.bias()).isEqualTo(-2);
    assertThat(m.study()).isEqualTo("http://example.org/s|2");
    assertThatThrownBy(() -> ServableModels.of(ref, "12", Strategy.FEDAVG, new ModelSpec(FEATURES, "logistic-regression",
        false), ModelVector.of(1, 2, 3, 4), new double[3], new double[] {1, 1, 1}))
        .hasMessageContaining("needs 8");
  }

  @Test
  void anUntrustedTeeReceivesNothingAndIsTriedAgainLater() {
    InMemoryStudyStore store = new InMemoryStudyStore();
    StudyRef ref = completedStudy(store, ModelVector.of(0, 0, 0, 0, 0.1, 0.2, 0.3, 0.4), Strategy.FEDAVG, false);
    Instant[] now = {T0};
    Clock clock = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now[0];
      }
    };
    ModelProvisioningService untrusting = service(store, settings(Measurement.of(new byte[48]), null), clock);
    int sent = COUNTER.of("$provision-model");
    int attested = COUNTER.of("$attestation");

    assertThat(untrusting.provisionIfDue(ref)).isEmpty();
    assertThat(untrusting.provisionIfDue(ref)).isEmpty();
    assertThat(COUNTER.of("$attestation")).isEqualTo(attested + 1);
    now[0] = T0.plus(ModelProvisioningService.RETRY);
    assertThat(untrusting.provisionIfDue(ref)).isEmpty();

    assertThat(COUNTER.of("$attestation")).isEqualTo(attested + 2);
    assertThat(COUNTER.of("$provision-model")).isEqualTo(sent);
    assertThat(store.provisionings(ref)).isEmpty();
  }

  @Test
  void theOwnerGetsThePlaintextModelOnlyIfTheStudySharesIt() throws Exception {
    InMemoryStudyStore store = new InMemoryStudyStore();
    ModelVector v = ModelVector.of(0, 0, 0, 0, 0.1, 0.2, 0.3, 0.4);
    StudyRef kept = completedStudy(store, v, Strategy.FEDAVG, false);
    StudyRef shared = completedStudy(store, v, Strategy.FEDAVG, true);
    ModelProvisioningService service = ModelProvisioningService.fromSettings(store, null, null);

    assertThat(service.enabled()).isFalse();
    assertThat(service.provisionCompletedStudies()).isEmpty();
    assertThatThrownBy(() -> service.modelForOwner(kept))
        .isInstanceOf(ModelProvisioningService.OwnerDownloadRefused.class)
        .hasMessageContaining("share-model-with-owner is false");
    assertThat(service.modelForOwner(shared).weights()).containsExactly(0.2, 0.3, 0.4);
  }
}
