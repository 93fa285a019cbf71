package org.fedfhir.fhir.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.aggregator.round.SecAggSecureSum;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.fhir.StudyPlans;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.testing.InProcessAggregator;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.study.StudyUrls;
import org.fedfhir.fhir.training.Metrics;
import org.fedfhir.federation.Standardisation;
import org.fedfhir.fhir.training.TrainingData;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The four UCI Heart Disease centres as four in-process sites ({@link SiteRoundWork} over each
 * centre's extracted cohort and seeded split) against the real aggregator coordinator with real
 * secure aggregation ({@link SecAggSecureSum}, Bonawitz et al. 2017) over in-process gRPC: the
 * whole study — STANDARDISE, TRAIN rounds, EVALUATE — as docs/federation.md runs it.
 */
class FederatedHeartDiseaseTest {

  /**
   * 64-bit words, 24 fractional bits; clip 2^30 because the STANDARDISE moments of raw values
   * (Σ chol² ≈ 1.3·10^7 at Cleveland) exceed the aggregator's default clip of 2^20.
   */
  private static final FixedPointEncoding ENCODING = FixedPointEncoding.newBuilder()
      .setModulusBits(64).setFractionBits(24).setClip(1 << 30).build();
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 23);

  private final StudyStore store = new InMemoryStudyStore();
  private InProcessAggregator aggregator;

  @AfterEach
  void stop() {
    if (aggregator != null) {
      aggregator.close();
    }
  }

  private void startAggregator(StudyPlan plan) throws Exception {
    store.registerStudy(plan);
    aggregator = InProcessAggregator.over(store).encoding(ENCODING).start();
  }

  private FederationClient client(String site) {
    return new FederationClient(aggregator.channel(site), "in-process");
  }

  /** Each centre's cohort, extracted from its FHIR resources as {@code $train} does, with the study's seeded split. */
  static Map<HeartDiseaseCentre, SiteRows> centres(StudyDefinition study) {
    Map<HeartDiseaseCentre, SiteRows> rows = new LinkedHashMap<>();
    Instant now = TODAY.atStartOfDay(ZoneOffset.UTC).toInstant();
    for (HeartDiseaseCentre c : HeartDiseaseCentre.values()) {
      Extraction ex = new FeatureExtractor(new UcumConverter()).extract(study, Fixtures.centre(c, TODAY), now);
      rows.put(c, SiteRows.stratified(new TrainingData(ex.matrix().names(), ex.matrix().values(), ex.matrix().labels()),
          study.parameters().testFraction(), study.parameters().seed()));
    }
    return rows;
  }

  private record Run(Map<HeartDiseaseCentre, SiteRoundWork> works, Map<HeartDiseaseCentre, SiteSession.Outcome> outcomes,
      double[] finalModel) {}

  /** The reference study with its parameters set as a researcher would publish them. */
  static PlanDefinition study(Map<String, org.hl7.fhir.r4.model.Type> parameters) {
    return Fixtures.study("heart-disease-lr", parameters);
  }

  /**
   * Publishes {@code pd} at the aggregator as its FHIR endpoint does ({@code StudyPlans}, the
   * guide's {@code StudyDigest}) and lets the four centres take part as {@code $train} does
   * (study parsed at the site, {@link FederatedSettings#of}, this package's {@link StudyDigest}).
   */
  private Run run(PlanDefinition pd) throws Exception {
    StudyDefinition study = new StudyParser().parse(pd);
    Map<HeartDiseaseCentre, SiteRows> rows = centres(study);
    FederatedSettings settings = FederatedSettings.of(study);
    StudyPlan plan = StudyPlans.from(pd, org.fedfhir.ig.StudyDigest.sha256Hex(Fixtures.CTX, pd));
    startAggregator(plan);
    Map<HeartDiseaseCentre, SiteRoundWork> works = new LinkedHashMap<>();
    Map<HeartDiseaseCentre, CompletableFuture<SiteSession.Outcome>> futures = new LinkedHashMap<>();
    for (HeartDiseaseCentre c : HeartDiseaseCentre.values()) {
      SiteRoundWork work = new SiteRoundWork(rows.get(c), settings);
      works.put(c, work);
      futures.put(c, client(c.code()).join(new SiteSession.Study(study.url(), study.version(),
          StudyDigest.sha256(Fixtures.CTX, pd), work.modelDimension()), work));
    }
    Map<HeartDiseaseCentre, SiteSession.Outcome> outcomes = new LinkedHashMap<>();
    for (var e : futures.entrySet()) {
      outcomes.put(e.getKey(), e.getValue().get(60, TimeUnit.SECONDS));
    }
    double[] model = store.latestModel(plan.ref()).orElseThrow().model().toArray();
    return new Run(works, outcomes, model);
  }

  @Test
  void federatedNewtonEqualsPooledLogisticRegressionOnTheFourCentres() throws Exception {
    long t0 = System.nanoTime();
    Run run = run(study(Map.of("strategy", new CodeType("newton"), "rounds", new IntegerType(10),
        "min-sites", new IntegerType(4))));
    for (SiteSession.Outcome o : run.outcomes().values()) {
      assertThat(o.completedRounds()).isEqualTo(12); // standardise, 10 Newton steps, evaluate
      assertThat(o.finalModel()).containsExactly(run.finalModel(), within(0.0));
    }

    // Pooled reference: every centre's training rows in one place, standardised with the global
    // values the sites received, fitted by Newton/IRLS to convergence.
    StudyDefinition study = new StudyParser().parse(Fixtures.study("heart-disease-lr"));
    Map<HeartDiseaseCentre, SiteRows> rows = centres(study);
    Standardisation global = run.works().get(HeartDiseaseCentre.CLEVELAND).standardisation();
    assertPooledMomentsGive(global, rows);
    List<double[]> z = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    Standardisation s = StandardisedRows.global(global, study.features().size());
    for (SiteRows r : rows.values()) {
      StandardisedRows train = StandardisedRows.of(r, r.train(), s);
      for (int i = 0; i < train.size(); i++) {
        z.add(train.z[i]);
        y.add(train.y[i]);
      }
    }
    double[] pooled = PooledIrls.fit(z.toArray(new double[0][]), y.stream().mapToInt(Integer::intValue).toArray(), 50);
    double maxDiff = 0;
    for (int j = 0; j < pooled.length; j++) {
      maxDiff = Math.max(maxDiff, Math.abs(pooled[j] - run.finalModel()[j]));
    }
    System.out.printf("federated Newton vs pooled IRLS (%d training rows, 4 sites): max |Δβ| = %.2e, %d ms%n",
        z.size(), maxDiff, (System.nanoTime() - t0) / 1_000_000);
    assertThat(run.finalModel()).containsExactly(pooled, within(1e-6));

    // The EVALUATE round's network figures are those of the final model over all test splits.
    double correct = 0;
    double count = 0;
    for (var e : run.works().entrySet()) {
      Metrics m = e.getValue().localMetrics(run.finalModel(), global);
      correct += m.accuracy() * m.testCount();
      count += m.testCount();
    }
    SiteSession.RoundResult evaluation = run.works().get(HeartDiseaseCentre.VA).evaluation();
    assertThat(evaluation.networkMetrics().get("test-count")).isEqualTo(count);
    assertThat(evaluation.networkMetrics().get("accuracy")).isCloseTo(correct / count, within(1e-9));
  }

  private static void assertPooledMomentsGive(Standardisation global, Map<HeartDiseaseCentre, SiteRows> rows) {
    int f = rows.values().iterator().next().features();
    for (int j = 0; j < f; j++) {
      double n = 0;
      double sum = 0;
      double squares = 0;
      for (SiteRows r : rows.values()) {
        for (int i : r.train()) {
          double x = r.row(i)[j];
          if (!Double.isNaN(x)) {
            n++;
            sum += x;
            squares += x * x;
          }
        }
      }
      double mean = sum / n;
      assertThat(global.means()[j]).isCloseTo(mean, within(1e-6));
      assertThat(global.sds()[j]).isCloseTo(Math.sqrt(squares / n - mean * mean), within(1e-5));
    }
  }

  @Test
  void fedAvgOverTheFourCentresReachesASensibleNetworkAccuracy() throws Exception {
    Run run = run(study(Map.of("strategy", new CodeType("fedavg"), "rounds", new IntegerType(10),
        "min-sites", new IntegerType(4), "local-epochs", new IntegerType(5), "learning-rate", new DecimalType(0.1))));
    SiteSession.RoundResult evaluation = run.works().get(HeartDiseaseCentre.CLEVELAND).evaluation();
    double network = evaluation.networkMetrics().get("accuracy");
    StringBuilder perCentre = new StringBuilder();
    double mean = 0;
    for (var e : run.works().entrySet()) {
      Metrics m = e.getValue().localMetrics(run.finalModel(), e.getValue().standardisation());
      perCentre.append(String.format(" %s %.3f (auc %.3f)", e.getKey().code(), m.accuracy(), m.auc()));
      mean += m.accuracy() / run.works().size();
    }
    System.out.printf("FedAvg, 10 rounds × 5 local epochs: network accuracy %.3f, mean of centres %.3f, log-loss %.3f;%s%n",
        network, mean, evaluation.networkMetrics().get("log-loss"), perCentre);
    assertThat(network).isGreaterThan(0.72);
    assertThat(mean).isGreaterThan(0.70);
  }

  /** The reference study as an {@code mlp} study: its algorithm replaced, its parameters set. */
  static PlanDefinition networkStudy(Map<String, org.hl7.fhir.r4.model.Type> parameters) {
    PlanDefinition pd = study(parameters);
    ((org.hl7.fhir.r4.model.Coding) pd.getExtensionByUrl(StudyUrls.EXT_ALGORITHM).getValue()).setCode("mlp");
    return pd;
  }

  @Test
  void aNeuralNetworkTrainedByFedAvgOverTheFourCentresReachesASensibleNetworkAccuracy() throws Exception {
    Run run = run(networkStudy(Map.of("strategy", new CodeType("fedavg"), "rounds", new IntegerType(20),
        "min-sites", new IntegerType(4), "local-epochs", new IntegerType(5), "learning-rate", new DecimalType(0.1),
        "hidden-layers", new org.hl7.fhir.r4.model.StringType("16"), "dropout", new DecimalType(0.1))));
    double network = run.works().get(HeartDiseaseCentre.CLEVELAND).evaluation().networkMetrics().get("accuracy");
    System.out.printf("MLP 10 → 16 → 1 (tanh, dropout 0.1), FedAvg, 20 rounds × 5 local epochs: network accuracy %.3f%n",
        network);
    assertThat(run.finalModel()).hasSize(16 * 10 + 16 + 16 + 1); // the reference study has 10 features
    assertThat(network).isGreaterThan(0.72);
  }

  @Test
  void aTwoLayerNetworkTrainedByFedAdamOverTheFourCentresReachesASensibleNetworkAccuracy() throws Exception {
    Run run = run(networkStudy(Map.of("strategy", new CodeType("fedadam"), "rounds", new IntegerType(10),
        "min-sites", new IntegerType(4), "local-epochs", new IntegerType(3), "learning-rate", new DecimalType(0.1),
        "server-learning-rate", new DecimalType(0.01), "hidden-layers", new org.hl7.fhir.r4.model.StringType("16,8"))));
    double network = run.works().get(HeartDiseaseCentre.CLEVELAND).evaluation().networkMetrics().get("accuracy");
    System.out.printf("MLP 10 → 16 → 8 → 1 (tanh), FedAdam, 10 rounds × 3 local epochs: network accuracy %.3f%n", network);
    assertThat(network).isGreaterThan(0.72);
  }

  @Test
  void aDifferentiallyPrivateNetworkTakesOneClippedNoisyStepARoundAndStillLearns() throws Exception {
    Run run = run(networkStudy(Map.of("strategy", new CodeType("fedavg"), "rounds", new IntegerType(20),
        "min-sites", new IntegerType(4), "learning-rate", new DecimalType("1.0"), "dp-epsilon", new DecimalType("1.0"),
        "dp-delta", new DecimalType("0.001"), "dp-clip", new DecimalType("1.0"))));
    double network = run.works().get(HeartDiseaseCentre.CLEVELAND).evaluation().networkMetrics().get("accuracy");
    double spent = run.works().get(HeartDiseaseCentre.CLEVELAND).privacySpent();
    System.out.printf("MLP 10 → 16 → 1 (tanh), DP FedAvg at ε = 1 (δ = 1e-3, clip 1, record-level), 20 rounds, η = 1: "
        + "network accuracy %.3f, site ledger ε = %.3f%n", network, spent);
    assertThat(spent).isGreaterThan(0).isLessThanOrEqualTo(1.0 + 1e-9);
    assertThat(network).isGreaterThan(0.65);
  }
}
