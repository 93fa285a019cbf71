package org.fedfhir.aggregator.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.study.StatisticsDeclarations;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.Release;
import org.fedfhir.securecompute.statistics.SiteDisclosure;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.fedfhir.securecompute.statistics.SurvivalAnalysis;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code kaplan-meier} statistic over gRPC (in-process transport): three sites send their
 * per-bucket at-risk and event counts through the real secure aggregation, and the aggregator
 * releases the same curves and log-rank test as Kaplan–Meier on the pooled follow-up, with small
 * risk sets cut and small event counts merged under the sites' minimum cell count.
 */
class KaplanMeierNetworkTest {

  private static final Metadata.Key<String> SITE = Metadata.Key.of("x-test-site", Metadata.ASCII_STRING_MARSHALLER);
  // buckets wide enough that every count of the synthetic sites passes each site's own check
  static final double[] EDGES = SurvivalAnalysis.evenBuckets(100, 4);
  static final StatisticDeclaration KM = new StatisticDeclaration.KaplanMeier("hf-after-mi", "sex", List.of("1", "0"),
      EDGES, "d", Optional.empty());
  static final StatisticsDeclarations.Study DECLARED = new StatisticsDeclarations.Study(List.of(KM),
      DisclosurePolicy.defaults(), 10_000, Optional.empty());

  private InProcessStatisticsAggregator aggregator;

  @AfterEach
  void stop() {
    if (aggregator != null) {
      aggregator.close();
    }
  }

  private StatisticsStudy startAggregator() throws Exception {
    aggregator = new InProcessStatisticsAggregator(DECLARED, 3, 0);
    return aggregator.coordinator;
  }

  /** Synthetic follow-up of one site: group 1 has the higher hazard; censoring uniform to 730 d. */
  static List<SurvivalAnalysis.Record> followUp(long seed, int n) {
    Random r = new Random(seed);
    List<SurvivalAnalysis.Record> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int sex = r.nextInt(2);
      int censor = 30 + r.nextInt(700);
      int event = (int) Math.floor(-Math.log(1 - r.nextDouble()) * (sex == 1 ? 250 : 450));
      out.add(new SurvivalAnalysis.Record(Integer.toString(sex), Math.min(event, censor), event <= censor));
    }
    return out;
  }

  private CompletableFuture<SiteSession.Outcome> join(String site, List<SurvivalAnalysis.Record> records) {
    ManagedChannel ch = aggregator.channel(site);
    double[] vector = new SiteDisclosure(DECLARED.statistics(), DisclosurePolicy.defaults())
        .firstRound(List.of(((SurvivalAnalysis) KM.statistic()).encode(records)));
    SiteSession.RoundWork work = new SiteSession.StatisticsWork() {
      @Override
      public double[] statistics(int round, int threshold) {
        return vector;
      }
    };
    return new SiteSession(FederationGrpc.newStub(ch), new SiteSession.Study(StatisticsNetworkTest.STUDY.url(),
        StatisticsNetworkTest.STUDY.version(), HexFormat.of().parseHex(StatisticsNetworkTest.DIGEST),
        DECLARED.length()), work, new SecureRandom(), new SiteSession.Disclosure(5, false)).start();
  }

  @Test
  void releasedCurvesAndLogRankOfThreeSitesEqualThePooledKaplanMeier() throws Exception {
    StatisticsStudy coordinator = startAggregator();
    List<List<SurvivalAnalysis.Record>> sites = List.of(followUp(21, 600), followUp(22, 500), followUp(23, 700));
    List<CompletableFuture<SiteSession.Outcome>> outcomes = new ArrayList<>();
    for (int s = 0; s < sites.size(); s++) {
      outcomes.add(join("site-" + s, sites.get(s)));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.joinedSites().size() >= 3);
    assertThat(coordinator.joinedSites()).hasSize(3);

    Parameters p = coordinator.run(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS).result();

    SurvivalAnalysis km = (SurvivalAnalysis) KM.statistic();
    SurvivalAnalysis.Result pooled = km.combine(km.encode(sites.stream().flatMap(List::stream).toList()),
        Release.of(DisclosurePolicy.defaults(), 3));
    ParametersParameterComponent released = StatisticsNetworkTest.statistic(p, "hf-after-mi");
    List<ParametersParameterComponent> groups = released.getPart().stream()
        .filter(x -> x.getName().equals("group")).toList();
    assertThat(groups).hasSize(2);
    for (int g = 0; g < 2; g++) {
      SurvivalAnalysis.Curve curve = pooled.curves().get(g);
      assertThat(StatisticsNetworkTest.part(groups.get(g), "category").getValue().primitiveValue())
          .isEqualTo(curve.group());
      List<ParametersParameterComponent> steps = groups.get(g).getPart().stream()
          .filter(x -> x.getName().equals("step")).toList();
      assertThat(steps).hasSize(curve.steps().size()).isNotEmpty();
      for (int i = 0; i < steps.size(); i++) {
        SurvivalAnalysis.Step expected = curve.steps().get(i);
        assertThat(StatisticsNetworkTest.decimal(steps.get(i), "survival")).isCloseTo(expected.survival(), within(1e-6));
        assertThat(StatisticsNetworkTest.decimal(steps.get(i), "atRisk")).isEqualTo((double) expected.atRisk())
            .isGreaterThanOrEqualTo(5);
        double events = StatisticsNetworkTest.decimal(steps.get(i), "events");
        assertThat(events).isEqualTo((double) expected.events());
        assertThat(events == 0 || events >= 5).isTrue();
      }
    }
    assertThat(StatisticsNetworkTest.decimal(released, "logRankChiSquare"))
        .isCloseTo(pooled.logRank().orElseThrow().chiSquare(), within(1e-6));
    assertThat(StatisticsNetworkTest.decimal(released, "releasedUntil")).isEqualTo(pooled.releasedUntil());
    assertThat(StatisticsNetworkTest.part(released, "siteCount").getValue().primitiveValue()).isEqualTo("3");
    for (CompletableFuture<SiteSession.Outcome> o : outcomes) {
      assertThat(o.get(10, TimeUnit.SECONDS).completedRounds()).isEqualTo(1);
    }
  }

  /**
   * A site whose follow-up censors 2 patients of group 1 in the first bucket: 40 at risk, 10 events
   * and 28 still at risk in the second bucket.
   */
  static List<SurvivalAnalysis.Record> fewCensored() {
    List<SurvivalAnalysis.Record> out = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      out.add(i < 10 ? new SurvivalAnalysis.Record("1", 50, true)
          : i < 12 ? new SurvivalAnalysis.Record("1", 60, false) : new SurvivalAnalysis.Record("1", 500, false));
      out.add(i < 10 ? new SurvivalAnalysis.Record("0", 150, true) : new SurvivalAnalysis.Record("0", 500, false));
    }
    return out;
  }

  @Test
  void aSiteCensoringFewerPatientsInABucketThanItsMinimumWithholdsItsCurves() throws Exception {
    StatisticsStudy coordinator = startAggregator();
    List<List<SurvivalAnalysis.Record>> sites = List.of(followUp(21, 600), followUp(22, 500), fewCensored());
    SiteDisclosure check = new SiteDisclosure(DECLARED.statistics(), DisclosurePolicy.defaults());
    assertThat(sites).extracting(r -> check.passes(KM, ((SurvivalAnalysis) KM.statistic()).encode(r))).containsExactly(true, true, false);
    for (int s = 0; s < sites.size(); s++) {
      join("site-" + s, sites.get(s));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.joinedSites().size() >= 3);

    Parameters p = coordinator.run(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS).result();

    SurvivalAnalysis km = (SurvivalAnalysis) KM.statistic();
    SurvivalAnalysis.Result others = km.combine(km.encode(sites.subList(0, 2).stream().flatMap(List::stream).toList()),
        Release.of(DisclosurePolicy.defaults(), 2));
    ParametersParameterComponent released = StatisticsNetworkTest.statistic(p, "hf-after-mi");
    assertThat(StatisticsNetworkTest.part(released, "siteCount").getValue().primitiveValue()).isEqualTo("2");
    assertThat(p.getParameter("siteCount").getValue().primitiveValue()).isEqualTo("3");
    List<ParametersParameterComponent> firstSteps = released.getPart().stream().filter(x -> x.getName().equals("group"))
        .map(g -> StatisticsNetworkTest.part(g, "step")).toList();
    for (int g = 0; g < 2; g++) {
      SurvivalAnalysis.Step expected = others.curves().get(g).steps().get(0);
      assertThat(StatisticsNetworkTest.decimal(firstSteps.get(g), "atRisk")).as("the other two sites' patients only")
          .isEqualTo((double) expected.atRisk());
      assertThat(StatisticsNetworkTest.decimal(firstSteps.get(g), "events")).isEqualTo((double) expected.events());
    }
    assertThat(StatisticsNetworkTest.decimal(released, "logRankChiSquare"))
        .isCloseTo(others.logRank().orElseThrow().chiSquare(), within(1e-6));
  }
}
