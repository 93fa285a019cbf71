package org.fedfhir.fhir.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fedfhir.aggregator.fhir.StudyPlans;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.testing.InProcessAggregator;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.federation.FederatedSettings;
import org.fedfhir.fhir.federation.FederationClient;
import org.fedfhir.fhir.federation.SiteRoundWork;
import org.fedfhir.fhir.federation.SiteRows;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.training.TrainingData;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.study.StudyReader;
import org.fedfhir.study.StudyUrls;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A differentially private study over the four UCI Heart Disease centres, through the real
 * aggregator and secure aggregation on the in-process transport: Cleveland runs {@code $train}
 * ({@link FederatedTrainingService}, its Task), the other centres take part with
 * {@link SiteRoundWork}. The study spends its ε over its rounds, stops there, and the model is
 * still usable.
 */
class PrivateFederatedStudyTest {

  static final FixedPointEncoding ENCODING = FixedPointEncoding.newBuilder()
      .setModulusBits(64).setFractionBits(24).setClip(1 << 30).build();
  static final LocalDate TODAY = LocalDate.now();

  final StudyStore store = new InMemoryStudyStore();
  final InMemorySite site = new InMemorySite();
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  static PlanDefinition study(double epsilon) {
    Map<String, Type> parameters = new LinkedHashMap<>();
    parameters.put("strategy", new CodeType("fedavg"));
    parameters.put("rounds", new IntegerType(20));
    parameters.put("min-sites", new IntegerType(4));
    parameters.put("learning-rate", new DecimalType("1.0"));
    parameters.put("dp-epsilon", new DecimalType(epsilon));
    parameters.put("dp-delta", new DecimalType("0.001"));
    parameters.put("dp-clip", new DecimalType("1.0"));
    return Fixtures.study("heart-disease-lr", parameters);
  }

  @Test
  void aStudyAtEpsilonOneSpendsItsBudgetStopsThereAndTheTaskSaysSo() throws Exception {
    long t0 = System.nanoTime();
    PlanDefinition pd = study(1.0);
    StudyDefinition parsed = new StudyParser().parse(pd);
    StudyPlan plan = StudyPlans.from(pd, org.fedfhir.ig.StudyDigest.sha256Hex(Fixtures.CTX, pd));
    store.registerStudy(plan);
    InProcessAggregator aggregator = InProcessAggregator.over(store).encoding(ENCODING).start();
    closing.add(aggregator);

    // Cleveland: $train mode=federated, with its Task
    InMemoryClinicalData cleveland = Fixtures.centre(HeartDiseaseCentre.CLEVELAND, TODAY);
    site.approve("lr", pd);
    FederatedTrainingService federated = new FederatedTrainingService(cleveland, site, site, new UcumConverter(),
        "cleveland", new FederationClient(aggregator.channel(HeartDiseaseCentre.CLEVELAND.code()), "in-process"));
    LocalTrainingService service = new LocalTrainingService(new StudyAdmission(site, site, new StudyReader()),
        cleveland, site, site, new UcumConverter(), "cleveland", federated);
    closing.add(federated);
    closing.add(service);
    Task task = service.start("lr", "federated", Requester.anonymous("127.0.0.1"));

    // the other three centres
    List<CompletableFuture<SiteSession.Outcome>> others = new ArrayList<>();
    List<SiteRoundWork> works = new ArrayList<>();
    for (HeartDiseaseCentre c : HeartDiseaseCentre.values()) {
      if (c == HeartDiseaseCentre.CLEVELAND) {
        continue;
      }
      Extraction ex = new FeatureExtractor(new UcumConverter()).extract(parsed, Fixtures.centre(c, TODAY), Instant.now());
      SiteRows rows = SiteRows.stratified(new TrainingData(ex.matrix().names(), ex.matrix().values(),
          ex.matrix().labels()), parsed.parameters().testFraction(), parsed.parameters().seed());
      SiteRoundWork work = new SiteRoundWork(rows, FederatedSettings.of(parsed));
      works.add(work);
      FederationClient client = new FederationClient(aggregator.channel(c.code()), "in-process");
      closing.add(client);
      others.add(client.join(new SiteSession.Study(parsed.url(), parsed.version(), StudyDigest.sha256(Fixtures.CTX, pd),
          work.modelDimension()), work));
    }
    for (CompletableFuture<SiteSession.Outcome> o : others) {
      assertThat(o.get(120, TimeUnit.SECONDS).completedRounds()).isEqualTo(22);
    }
    Task ended = site.ended(task.getIdElement().getIdPart()).get(120, TimeUnit.SECONDS);

    assertThat(ended.getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
    assertThat(ended.getStatusReason().getText())
        .startsWith("stopped at the study's ε target: this site's contributions spent ε = 1.0000 of the study's "
            + "dp-epsilon 1.0 (δ = 0.001, record-level)");
    assertThat(output(ended, "dp-epsilon")).isCloseTo(1.0, within(1e-6));
    for (SiteRoundWork w : works) {
      assertThat(w.privacySpent()).isCloseTo(1.0, within(1e-6));
      assertThat(w.privacyBudgetSpent()).isTrue();
    }
    // the aggregator's accountant: ε after every TRAIN round, rising to the target
    double previous = 0;
    for (int round = 2; round <= 21; round++) {
      double epsilon = store.metrics(plan.ref(), round).get("dp-epsilon");
      assertThat(epsilon).isGreaterThan(previous);
      previous = epsilon;
    }
    assertThat(previous).isCloseTo(1.0, within(1e-6));

    double accuracy = output(ended, "network-accuracy");
    System.out.printf("DP FedAvg (record-level, ε = 1, δ = 1e-3, clip 1, 20 rounds, η = 1), demo protocol: network "
        + "accuracy %.3f, Cleveland %.3f; %d ms%n", accuracy, output(ended, "accuracy"),
        (System.nanoTime() - t0) / 1_000_000);
    assertThat(accuracy).isGreaterThan(0.70);
  }

  static double output(Task task, String code) {
    return task.getOutput().stream().filter(o -> o.getType().hasCoding(StudyUrls.CS_TRAINING_OUTPUT, code))
        .map(o -> ((DecimalType) o.getValue()).getValueAsNumber().doubleValue()).findFirst().orElseThrow();
  }
}
