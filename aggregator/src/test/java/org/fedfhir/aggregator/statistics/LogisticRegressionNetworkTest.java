package org.fedfhir.aggregator.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.RoundRecord;
import org.fedfhir.aggregator.store.RoundState;
import org.fedfhir.aggregator.testing.DyingSite;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.study.StatisticsDeclarations;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.LogisticRegression;
import org.fedfhir.securecompute.statistics.Release;
import org.fedfhir.securecompute.statistics.SiteDisclosure;
import org.fedfhir.securecompute.statistics.SiteStatistics;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.fedfhir.securecompute.statistics.StatisticDeclaration.Covariate;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code logistic-regression} statistic over gRPC (in-process transport): the first round of a
 * run carries a crosstab and the regression's first Newton part, later rounds
 * ({@code STATISTICS_ITERATION}) the regression at the coefficients the aggregator announces, each
 * through the real secure aggregation; the released coefficients and standard errors equal the
 * fit on the pooled rows.
 */
class LogisticRegressionNetworkTest {

  static final StatisticDeclaration.Regression MODEL = new StatisticDeclaration.Regression("diagnosis-model", "label",
      List.of(new Covariate("sex", 0, 1), new Covariate("chol", 0, 400), new Covariate("thalach", 60, 220)),
      Optional.empty());
  static final StatisticsDeclarations.Study DECLARED = new StatisticsDeclarations.Study(
      List.of(StatisticsNetworkTest.CP_BY_LABEL, MODEL), DisclosurePolicy.defaults(), 10_000, Optional.empty());

  private InProcessStatisticsAggregator aggregator;
  /** How long each site takes to evaluate a Newton iteration. */
  private volatile long iterateMillis;
  private InMemoryStudyStore store;
  private InMemoryReleaseStore releases;

  @AfterEach
  void stop() {
    if (aggregator != null) {
      aggregator.close();
    }
  }

  private StatisticsStudy startAggregator() throws Exception {
    aggregator = new InProcessStatisticsAggregator(DECLARED, 3, 0);
    store = aggregator.store;
    releases = aggregator.releases;
    return aggregator.coordinator;
  }

  /** A site: its statistics in the first round, its Newton part at the announced β in later ones. */
  private CompletableFuture<SiteSession.Outcome> join(String site, SiteStatistics.Rows rows, List<double[]> seen) {
    return join(aggregator.channel(site), rows, seen, new CopyOnWriteArrayList<>());
  }

  private CompletableFuture<SiteSession.Outcome> join(ManagedChannel ch, SiteStatistics.Rows rows, List<double[]> seen) {
    return join(ch, rows, seen, new CopyOnWriteArrayList<>());
  }

  /** A site whose later-round vectors are kept in {@code sent}. */
  private CompletableFuture<SiteSession.Outcome> join(ManagedChannel ch, SiteStatistics.Rows rows, List<double[]> seen,
      List<double[]> sent) {
    SiteStatistics local = new SiteStatistics(DECLARED.statistics(), DECLARED.maxRecordsPerSite());
    SiteDisclosure disclosure = new SiteDisclosure(DECLARED.statistics(), DisclosurePolicy.defaults());
    SiteSession.RoundWork work = new SiteSession.RegressionWork() {
      @Override
      public double[] statistics(int round, int threshold) {
        return disclosure.firstRound(local.parts(rows));
      }

      @Override
      public double[] iterate(int round, double[] coefficients) {
        seen.add(coefficients.clone());
        // A deliberately slow site, the thing under test: a run longer than one round's limit still answers.
        try {
          Thread.sleep(iterateMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        double[] part = disclosure.iteration(local.encodeIteration(rows, coefficients));
        sent.add(part);
        return part;
      }
    };
    return new SiteSession(FederationGrpc.newStub(ch), new SiteSession.Study(StatisticsNetworkTest.STUDY.url(),
        StatisticsNetworkTest.STUDY.version(), HexFormat.of().parseHex(StatisticsNetworkTest.DIGEST),
        DECLARED.length()), work, new SecureRandom(), new SiteSession.Disclosure(5, false)).start();
  }

  /** Per site: its session, the coefficients it was announced and the later-round vectors it sent. */
  private record Joined(List<CompletableFuture<SiteSession.Outcome>> outcomes, List<List<double[]>> seen,
      List<List<double[]>> sent) {}

  /** Joins the sites as site-0, site-1, …. */
  private Joined joinAll(List<SiteStatistics.Rows> sites) {
    Joined joined = new Joined(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int s = 0; s < sites.size(); s++) {
      joined.seen().add(new CopyOnWriteArrayList<>());
      joined.sent().add(new CopyOnWriteArrayList<>());
      joined.outcomes().add(join(aggregator.channel("site-" + s), sites.get(s), joined.seen().get(s),
          joined.sent().get(s)));
    }
    return joined;
  }

  private static void awaitJoined(StatisticsStudy c, int n) {
    await().atMost(Duration.ofSeconds(5)).until(() -> c.joinedSites().size() >= n);
    assertThat(c.joinedSites()).hasSize(n);
  }

  /** The same regression fitted in one place on the pooled rows, without secure aggregation. */
  static LogisticRegression.Result pooledFit(List<SiteStatistics.Rows> sites) {
    SiteStatistics pooled = new SiteStatistics(List.of(MODEL), Integer.MAX_VALUE);
    SiteStatistics.Rows rows = StatisticsNetworkTest.pooled(sites);
    LogisticRegression.Fit fit = MODEL.logisticRegression().fit();
    fit.accept(pooled.encode(rows), Release.of(DisclosurePolicy.defaults(), sites.size()));
    while (!fit.done()) {
      fit.accept(pooled.encodeIteration(rows, fit.coefficients()), Release.of(DisclosurePolicy.defaults(),
          sites.size()));
    }
    return fit.result();
  }

  private static void assertReleasedFit(ParametersParameterComponent released, LogisticRegression.Result expected) {
    assertThat(expected.released()).isTrue();
    assertThat(StatisticsNetworkTest.part(released, "kind").getValue().primitiveValue()).isEqualTo("logistic-regression");
    assertThat(StatisticsNetworkTest.part(released, "count").getValue().primitiveValue())
        .isEqualTo(Long.toString(expected.n().orElseThrow()));
    assertThat(StatisticsNetworkTest.part(released, "converged").getValue().primitiveValue()).isEqualTo("true");
    List<ParametersParameterComponent> coefficients = released.getPart().stream()
        .filter(x -> x.getName().equals("coefficient")).toList();
    assertThat(coefficients).extracting(c -> StatisticsNetworkTest.part(c, "name").getValue().primitiveValue())
        .containsExactly("(intercept)", "sex", "chol", "thalach");
    for (int i = 0; i < coefficients.size(); i++) {
      assertThat(StatisticsNetworkTest.decimal(coefficients.get(i), "estimate")).as("β%d", i)
          .isCloseTo(expected.coefficients()[i], within(1e-6));
      assertThat(StatisticsNetworkTest.decimal(coefficients.get(i), "se")).as("SE %d", i)
          .isCloseTo(expected.standardErrors()[i], within(1e-6));
      assertThat(StatisticsNetworkTest.decimal(coefficients.get(i), "pValue")).as("p %d", i)
          .isCloseTo(expected.pValue(i), within(1e-6));
    }
  }

  @Test
  void releasedCoefficientsAndStandardErrorsOfThreeSitesEqualThePooledFit() throws Exception {
    StatisticsStudy coordinator = startAggregator();
    List<SiteStatistics.Rows> sites = List.of(StatisticsNetworkTest.rows(31, 150),
        StatisticsNetworkTest.rows(32, 120), StatisticsNetworkTest.rows(33, 180));
    Joined joined = joinAll(sites);
    List<List<double[]>> seen = joined.seen();
    List<CompletableFuture<SiteSession.Outcome>> outcomes = joined.outcomes();
    awaitJoined(coordinator, 3);

    StatisticsStudy.Released released = coordinator.run(Duration.ofSeconds(5)).get(60, TimeUnit.SECONDS);

    Parameters p = released.result();
    assertThat(p.getParameter("siteCount").getValue().primitiveValue()).isEqualTo("3");
    assertThat(StatisticsNetworkTest.releasedCells(p)).as("the first round's crosstab is released too").isNotEmpty();
    ParametersParameterComponent model = StatisticsNetworkTest.statistic(p, "diagnosis-model");
    LogisticRegression.Result expected = pooledFit(sites);
    assertReleasedFit(model, expected);
    assertThat(StatisticsNetworkTest.part(model, "siteCount").getValue().primitiveValue()).isEqualTo("3");
    int iterations = Integer.parseInt(StatisticsNetworkTest.part(model, "iterations").getValue().primitiveValue());
    assertThat(iterations).isBetween(3, LogisticRegression.MAX_ITERATIONS);

    // one secure-aggregation round per Newton iteration, all completed, and the sites saw each β
    assertThat(store.rounds(StatisticsNetworkTest.STUDY)).hasSize(iterations)
        .extracting(RoundRecord::state).containsOnly(RoundState.COMPLETED);
    assertThat(releases.releases(StatisticsNetworkTest.STUDY)).hasSize(1);
    for (int s = 0; s < 3; s++) {
      assertThat(outcomes.get(s).get(10, TimeUnit.SECONDS).completedRounds()).isEqualTo(iterations);
      assertThat(seen.get(s)).hasSize(iterations - 1);
      assertThat(seen.get(s).get(seen.get(s).size() - 1)).as("the last β announced")
          .containsExactly(expected.coefficients(), within(1e-5));
    }
  }

  @Test
  void aSiteDyingBetweenIterationsLeavesTheFitOfTheOthersReportedAsSuch() throws Exception {
    StatisticsStudy coordinator = startAggregator();
    List<SiteStatistics.Rows> sites = List.of(StatisticsNetworkTest.rows(41, 150),
        StatisticsNetworkTest.rows(42, 120), StatisticsNetworkTest.rows(43, 180), StatisticsNetworkTest.rows(44, 90));
    ManagedChannel[] dying = new ManagedChannel[1];
    for (int s = 0; s < 3; s++) {
      join("site-" + s, sites.get(s), new CopyOnWriteArrayList<>());
    }
    dying[0] = aggregator.channel("site-3", DyingSite.dieOn(
        m -> m.hasRoundStart() && m.getRoundStart().getPhase() == Phase.STATISTICS_ITERATION,
        () -> dying[0].shutdownNow()));
    join(dying[0], sites.get(3), new CopyOnWriteArrayList<>());
    awaitJoined(coordinator, 4);

    Parameters p = coordinator.run(Duration.ofSeconds(5)).get(60, TimeUnit.SECONDS).result();

    assertThat(p.getParameter("siteCount").getValue().primitiveValue()).as("the first round").isEqualTo("4");
    ParametersParameterComponent model = StatisticsNetworkTest.statistic(p, "diagnosis-model");
    assertThat(StatisticsNetworkTest.part(model, "siteCount").getValue().primitiveValue())
        .as("the regression's last iteration").isEqualTo("3");
    assertReleasedFit(model, pooledFit(sites.subList(0, 3)));
    assertThat(store.rounds(StatisticsNetworkTest.STUDY).get(1).dropouts()).containsExactly("site-3");
  }

  @Test
  void aSmallOutcomeClassReleasesNoCoefficientAndAnnouncesNoIterate() throws Exception {
    StatisticsStudy coordinator = startAggregator();
    List<List<double[]>> seen = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      SiteStatistics.Rows rows = StatisticsNetworkTest.rows(51 + s, 60);
      int[] labels = new int[rows.size()];
      labels[0] = s == 0 ? 1 : 0; // one diagnosed patient in the whole network
      seen.add(new CopyOnWriteArrayList<>());
      join("site-" + s, new SiteStatistics.Rows(rows.names(), rows.values(), labels), seen.get(s));
    }
    awaitJoined(coordinator, 3);

    Parameters p = coordinator.run(Duration.ofSeconds(5)).get(60, TimeUnit.SECONDS).result();

    ParametersParameterComponent model = StatisticsNetworkTest.statistic(p, "diagnosis-model");
    assertThat(StatisticsResults.isMasked(StatisticsNetworkTest.part(model, "count").getValue())).isTrue();
    for (ParametersParameterComponent c : model.getPart()) {
      if (c.getName().equals("coefficient")) {
        assertThat(StatisticsResults.isMasked(StatisticsNetworkTest.part(c, "estimate").getValue())).isTrue();
        assertThat(StatisticsResults.isMasked(StatisticsNetworkTest.part(c, "se").getValue())).isTrue();
      }
    }
    assertThat(StatisticsNetworkTest.part(model, "suppressed").getValue().primitiveValue())
        .isEqualTo("n or an outcome class below the minimum count");
    assertThat(store.rounds(StatisticsNetworkTest.STUDY)).as("no Newton round after a refusal").hasSize(1);
    seen.forEach(s -> assertThat(s).isEmpty());
  }

  @Test
  void aSiteWithTooFewRowsForTheCoefficientsWithholdsTheRegressionInEveryRound() throws Exception {
    StatisticsStudy coordinator = startAggregator();
    List<SiteStatistics.Rows> sites = List.of(StatisticsNetworkTest.rows(32, 150),
        StatisticsNetworkTest.rows(34, 120), StatisticsNetworkTest.rows(36, 10));
    List<List<double[]>> sent = joinAll(sites).sent();
    awaitJoined(coordinator, 3);

    Parameters p = coordinator.run(Duration.ofSeconds(5)).get(60, TimeUnit.SECONDS).result();

    // site-2 uses at most 10 rows for 4 coefficients (it needs 3 per coefficient, 12)
    ParametersParameterComponent model = StatisticsNetworkTest.statistic(p, "diagnosis-model");
    assertReleasedFit(model, pooledFit(sites.subList(0, 2)));
    assertThat(StatisticsNetworkTest.part(model, "siteCount").getValue().primitiveValue()).isEqualTo("2");
    assertThat(p.getParameter("siteCount").getValue().primitiveValue()).isEqualTo("3");
    assertThat(sent.get(2)).as("site-2's Newton parts").isNotEmpty()
        .allSatisfy(v -> assertThat(v).containsOnly(0.0));
    assertThat(sent.get(0)).allSatisfy(v -> assertThat(v).isNotEqualTo(new double[v.length]));
  }

  @Test
  void secureStatsAnswersARegressionWhoseRunTakesLongerThanOneRoundMay() throws Exception {
    StatisticsStudy coordinator = startAggregator();
    iterateMillis = 250;
    for (int s = 0; s < 3; s++) {
      join("site-" + s, StatisticsNetworkTest.rows(61 + s, 120), new CopyOnWriteArrayList<>());
    }
    awaitJoined(coordinator, 3);
    org.hl7.fhir.r4.model.PlanDefinition published = new org.hl7.fhir.r4.model.PlanDefinition();
    published.setUrl(StatisticsNetworkTest.STUDY.url()).setVersion(StatisticsNetworkTest.STUDY.version());
    published.addExtension(StatisticsDeclarations.STUDY_KIND, new org.hl7.fhir.r4.model.CodeType("statistics"));
    // 400 ms a round: each Newton round takes ≥ 250 ms at the sites, the whole run (≥ 3 iterations) more
    // than 400 ms, which was once the limit of the whole run
    SecureStatsService service = new SecureStatsService(aggregator.statistics, Duration.ofSeconds(5),
        Duration.ofMillis(400)).lookingUpIn(id -> id.equals("stats") ? Optional.of(published) : Optional.empty());

    Parameters p = service.run("stats");

    ParametersParameterComponent model = StatisticsNetworkTest.statistic(p, "diagnosis-model");
    assertThat(StatisticsNetworkTest.part(model, "converged").getValue().primitiveValue()).isEqualTo("true");
    assertThat(coordinator.maxRoundsPerRun()).isEqualTo(LogisticRegression.MAX_ITERATIONS);
  }
}
