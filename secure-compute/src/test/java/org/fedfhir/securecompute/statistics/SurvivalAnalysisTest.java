package org.fedfhir.securecompute.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Kaplan–Meier and log-rank from per-bucket at-risk and event counts, summed by secure
 * aggregation across three sites, against the classical estimators computed here on the pooled
 * follow-up records.
 */
class SurvivalAnalysisTest {

  @Test
  void aBucketWhoseCensoredCountIsSensitiveIsMergedWithTheNext() {
    SurvivalAnalysis km = new SurvivalAnalysis("km", null, List.of(), new double[] {0, 100, 200, 300}, "d");
    List<SurvivalAnalysis.Record> records = new ArrayList<>();
    for (int i = 0; i < 49; i++) {
      // 10 events and 3 censored in [0, 100), 10 events and 6 censored in [100, 200), 20 beyond
      records.add(i < 10 ? new SurvivalAnalysis.Record(SurvivalAnalysis.ALL, 50, true)
          : i < 13 ? new SurvivalAnalysis.Record(SurvivalAnalysis.ALL, 60, false)
          : i < 23 ? new SurvivalAnalysis.Record(SurvivalAnalysis.ALL, 150, true)
          : i < 29 ? new SurvivalAnalysis.Record(SurvivalAnalysis.ALL, 160, false)
          : new SurvivalAnalysis.Record(SurvivalAnalysis.ALL, 500, false));
    }

    SurvivalAnalysis.Result r = km.combine(km.encode(records), Release.of(DisclosurePolicy.defaults(), 3));

    // released separately, 49 − 10 − 36 at risk next would reveal the 3 censored
    assertThat(r.curves().get(0).steps()).extracting(SurvivalAnalysis.Step::start, SurvivalAnalysis.Step::atRisk,
        SurvivalAnalysis.Step::events).containsExactly(org.assertj.core.groups.Tuple.tuple(0.0, 49L, 20L),
        org.assertj.core.groups.Tuple.tuple(200.0, 20L, 0L));
    assertThat(r.suppressed()).containsExactly("buckets [0, 200) d merged");
  }

  /** Three sites' follow-up in days: group "treated" has a lower hazard, censoring uniform. */
  static Map<Integer, List<SurvivalAnalysis.Record>> sites() {
    Random random = new Random(17);
    Map<Integer, List<SurvivalAnalysis.Record>> sites = new TreeMap<>();
    for (int site = 1; site <= 3; site++) {
      List<SurvivalAnalysis.Record> records = new ArrayList<>();
      for (int p = 0; p < 150 + 50 * site; p++) {
        boolean treated = random.nextBoolean();
        double hazard = treated ? 1 / 500.0 : 1 / 300.0;
        long eventDay = (long) Math.floor(-Math.log(1 - random.nextDouble()) / hazard);
        long censorDay = random.nextInt(730);
        LocalDate index = LocalDate.of(2020, 1, 1).plusDays(random.nextInt(365));
        records.add(SurvivalAnalysis.Record.fromDates(treated ? "treated" : "control", index,
            eventDay <= censorDay ? index.plusDays(eventDay) : null, index.plusDays(censorDay)));
      }
      sites.put(site, records);
    }
    return sites;
  }

  static List<SurvivalAnalysis.Record> pooled(Map<Integer, List<SurvivalAnalysis.Record>> sites) {
    List<SurvivalAnalysis.Record> all = new ArrayList<>();
    sites.values().forEach(all::addAll);
    return all;
  }

  @Test
  void dailyBucketsThroughSecureAggregationGiveTheClassicalKaplanMeierAndLogRankOfThePooledRecords() {
    SurvivalAnalysis km = new SurvivalAnalysis("km", "arm", List.of("treated", "control"),
        SurvivalAnalysis.evenBuckets(1, 800), "d");
    Map<Integer, List<SurvivalAnalysis.Record>> sites = sites();
    Federation federation = new Federation(3, List.of(km), 100_000, 3);
    Map<Integer, List<double[]>> vectors = new TreeMap<>();
    sites.forEach((site, records) -> vectors.put(site, List.of(km.encode(records))));
    InProcessStatisticsRound.Outcome outcome = federation.run(vectors);

    SurvivalAnalysis.Result result = km.combine(outcome.sums().get(0), Release.of(DisclosurePolicy.none(), outcome.sites()));
    List<SurvivalAnalysis.Record> all = pooled(sites);
    for (SurvivalAnalysis.Curve curve : result.curves()) {
      List<SurvivalAnalysis.Record> group = all.stream().filter(r -> r.group().equals(curve.group())).toList();
      for (SurvivalAnalysis.Step step : curve.steps()) {
        // the step [t, t+1) ends just before t+1: compare with the classical S(t)
        assertThat(step.survival()).as("%s at %s", curve.group(), step.start())
            .isCloseTo(classicalKaplanMeier(group, step.start()), within(1e-12));
      }
    }
    double[] reference = classicalLogRank(all);
    SurvivalAnalysis.LogRank logRank = result.logRank().orElseThrow();
    assertThat(logRank.observed()).isEqualTo(reference[0]);
    assertThat(logRank.expected()).isCloseTo(reference[1], within(1e-6));
    assertThat(logRank.chiSquare()).isCloseTo(reference[2], within(1e-6));
    assertThat(logRank.pValue()).isLessThan(0.05);
    assertThat(result.sites()).isEqualTo(3);
  }

  @Test
  void monthlyBucketsAreCutWhereFewAreAtRiskAndMergedWhereFewEventsHappen() {
    SurvivalAnalysis km = new SurvivalAnalysis("km", "arm", List.of("treated", "control"),
        SurvivalAnalysis.evenBuckets(30, 30), "d");
    Map<Integer, List<SurvivalAnalysis.Record>> sites = sites();
    Federation federation = new Federation(3, List.of(km), 100_000, 4);
    Map<Integer, List<double[]>> vectors = new TreeMap<>();
    sites.forEach((site, records) -> vectors.put(site, List.of(km.encode(records))));
    InProcessStatisticsRound.Outcome outcome = federation.run(vectors);
    DisclosurePolicy policy = DisclosurePolicy.minCellCount(10);

    SurvivalAnalysis.Result federated = km.combine(outcome.sums().get(0), Release.of(policy, outcome.sites()));
    SurvivalAnalysis.Result pooledResult = km.combine(km.encode(pooled(sites)), Release.of(policy, 1));

    assertThat(federated.curves()).isEqualTo(pooledResult.curves());
    assertThat(federated.logRank().orElseThrow().chiSquare())
        .isCloseTo(pooledResult.logRank().orElseThrow().chiSquare(), within(1e-12));
    for (SurvivalAnalysis.Curve curve : federated.curves()) {
      for (SurvivalAnalysis.Step step : curve.steps()) {
        assertThat(step.atRisk()).isGreaterThanOrEqualTo(10);
        assertThat(step.events()).satisfiesAnyOf(d -> assertThat(d).isZero(), d -> assertThat(d).isGreaterThanOrEqualTo(10));
      }
    }
    assertThat(federated.suppressed()).anySatisfy(s -> assertThat(s).contains("merged"));
    assertThat(federated.releasedUntil()).isLessThan(900);
  }

  /** The textbook product-limit estimate S(t) = Π_{event times s ≤ t} (1 − d(s)/n(s)). */
  static double classicalKaplanMeier(List<SurvivalAnalysis.Record> records, double t) {
    TreeSet<Double> times = new TreeSet<>();
    records.stream().filter(SurvivalAnalysis.Record::event).forEach(r -> times.add(r.time()));
    double s = 1;
    for (double time : times.headSet(t, true)) {
      long atRisk = records.stream().filter(r -> r.time() >= time).count();
      long deaths = records.stream().filter(r -> r.event() && r.time() == time).count();
      s *= 1 - (double) deaths / atRisk;
    }
    return s;
  }

  /** {O_treated, E_treated, chi-square} of the log-rank test at the distinct event times. */
  static double[] classicalLogRank(List<SurvivalAnalysis.Record> records) {
    TreeSet<Double> times = new TreeSet<>();
    records.stream().filter(SurvivalAnalysis.Record::event).forEach(r -> times.add(r.time()));
    double o = 0;
    double e = 0;
    double v = 0;
    for (double time : times) {
      double n = records.stream().filter(r -> r.time() >= time).count();
      double n1 = records.stream().filter(r -> r.time() >= time && r.group().equals("treated")).count();
      double d = records.stream().filter(r -> r.event() && r.time() == time).count();
      double d1 = records.stream().filter(r -> r.event() && r.time() == time && r.group().equals("treated")).count();
      o += d1;
      e += n1 * d / n;
      if (n > 1) {
        v += n1 * (n - n1) * d * (n - d) / (n * n * (n - 1));
      }
    }
    return new double[] {o, e, (o - e) * (o - e) / v};
  }
}
