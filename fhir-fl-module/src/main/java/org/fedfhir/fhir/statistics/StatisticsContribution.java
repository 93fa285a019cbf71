package org.fedfhir.fhir.statistics;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.fhir.cohort.FeatureMatrix;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.SiteDisclosure;
import org.fedfhir.securecompute.privacy.SiteNoise;
import org.fedfhir.securecompute.statistics.SiteStatistics;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.fedfhir.securecompute.statistics.SurvivalAnalysis;
import org.fedfhir.study.TimeToEventDefinition;

/**
 * A site's work in a statistics study: in the aggregator's {@code STATISTICS} round it answers the
 * declared statistics' sufficient statistics of the site's cohort, which {@link SiteSession} then
 * encodes and masks. A {@code kaplan-meier} statistic contributes its per-bucket at-risk and event
 * counts from the patients' follow-up ({@link TimeToEvent}); the others are computed on the feature
 * matrix. A {@code logistic-regression} statistic contributes its Newton part at β = 0 in that
 * round and, in each later round of the run ({@code STATISTICS_ITERATION}), at the coefficients
 * the aggregator announces.
 *
 * <p>Before anything is masked the site checks each statistic on its own figures
 * ({@link SiteDisclosure}): a statistic with a count under the site's disclosure policy is
 * withheld, contributing zeros in that round and every later one of the run, and its contributor
 * flag says so. It remembers how the round ended and the names of what it withheld (for the site's
 * audit record), never a value.
 */
public final class StatisticsContribution implements SiteSession.RegressionWork {

  private final SiteStatistics statistics;
  private final Map<String, List<SurvivalAnalysis.Record>> followUp;
  private final SiteStatistics.Rows rows;
  private final SiteDisclosure disclosure;
  private final java.util.concurrent.CompletableFuture<Void> joined = new java.util.concurrent.CompletableFuture<>();
  private volatile Integer completedRound;
  private volatile int completedRounds;
  private volatile String abortReason;
  private volatile Runnable beforeRelease = () -> { };
  private final java.security.SecureRandom random = new java.security.SecureRandom();
  private volatile double epsilonDelta = SiteNoise.DEFAULT_DELTA;

  /**
   * A contribution computed on the feature matrix only.
   *
   * @param policy what this site treats as sensitive in its own figures
   */
  public StatisticsContribution(SiteStatistics statistics, SiteStatistics.Rows rows, DisclosurePolicy policy) {
    this.statistics = Objects.requireNonNull(statistics, "statistics");
    this.rows = Objects.requireNonNull(rows, "rows");
    this.followUp = Map.of();
    this.disclosure = new SiteDisclosure(statistics.declarations(), policy);
  }

  /**
   * A contribution that may hold {@code kaplan-meier} statistics.
   *
   * @param declarations the study's statistics, in order
   * @param maxRecordsPerSite the study's {@code maxRecordsPerSite}
   * @param rows the site's feature matrix rows
   * @param followUp each {@code kaplan-meier} statistic's follow-up records, by name
   * @param policy what this site treats as sensitive in its own figures: the stricter of its own
   *     and the study's
   * @throws IllegalArgumentException if a {@code kaplan-meier} statistic has no follow-up
   */
  public StatisticsContribution(List<StatisticDeclaration> declarations, int maxRecordsPerSite,
      SiteStatistics.Rows rows, Map<String, List<SurvivalAnalysis.Record>> followUp, DisclosurePolicy policy) {
    this.rows = Objects.requireNonNull(rows, "rows");
    this.followUp = Map.copyOf(followUp);
    this.statistics = new SiteStatistics(declarations, maxRecordsPerSite);
    this.disclosure = new SiteDisclosure(statistics.declarations(), policy);
    for (StatisticDeclaration d : statistics.declarations()) {
      if (d instanceof StatisticDeclaration.Regression regression) {
        // checked now: a regression naming no feature would otherwise fail mid-run, in a later round
        for (String v : regression.variables()) {
          if (!v.equals(SiteStatistics.LABEL) && !rows.names().contains(v)) {
            throw new IllegalArgumentException(d.name() + ": the study has no feature '" + v + "'");
          }
        }
        regression.logisticRegression();
      }
      if (d instanceof StatisticDeclaration.KaplanMeier && !this.followUp.containsKey(d.name())) {
        throw new IllegalArgumentException(d.name() + ": a kaplan-meier statistic needs its index and event "
            + "(indexCondition, eventCondition or eventObservation)");
      }
    }
  }

  /**
   * The site's contribution to a study: the feature matrix's rows and, for each
   * {@code kaplan-meier} statistic, its follow-up extracted from {@code data}.
   *
   * @param definitions the index and event of the {@code kaplan-meier} statistics ({@link TimeToEvent#read})
   * @param policy what this site treats as sensitive in its own figures: the stricter of its own
   *     and the study's
   */
  public static StatisticsContribution of(List<StatisticDeclaration> declarations, int maxRecordsPerSite,
      FeatureMatrix matrix, Map<String, TimeToEventDefinition> definitions, ClinicalDataSource data,
      DisclosurePolicy policy) {
    Map<String, List<SurvivalAnalysis.Record>> followUp = new java.util.HashMap<>();
    for (StatisticDeclaration d : declarations) {
      if (d instanceof StatisticDeclaration.KaplanMeier km) {
        TimeToEventDefinition def = definitions.get(d.name());
        if (def == null) {
          throw new IllegalArgumentException(d.name() + ": a kaplan-meier statistic needs its index and event "
              + "(indexCondition, eventCondition or eventObservation)");
        }
        followUp.put(d.name(), TimeToEvent.extract(km, def, matrix, data));
      }
    }
    return new StatisticsContribution(declarations, maxRecordsPerSite, rows(matrix), followUp, policy);
  }

  /** The site's rows as the statistics read them: the study's features and the label. */
  public static SiteStatistics.Rows rows(FeatureMatrix matrix) {
    return new SiteStatistics.Rows(matrix.names(), matrix.values(), matrix.labels());
  }

  /** @return the number of the site's records */
  public int records() {
    return rows.size();
  }

  /**
   * Runs {@code check} each time the site is about to compute its statistics for a STATISTICS
   * round, before anything is computed: the site's release policy records the release there, or
   * refuses it by throwing (the session then ends without a contribution).
   */
  public StatisticsContribution beforeRelease(Runnable check) {
    this.beforeRelease = Objects.requireNonNull(check, "check");
    return this;
  }

  /**
   * The study's δ for its private statistics ({@code disclosure-control.epsilonDelta}); until
   * set, {@link SiteNoise#DEFAULT_DELTA}.
   */
  public StatisticsContribution epsilonDelta(double delta) {
    this.epsilonDelta = delta;
    return this;
  }

  /**
   * The first round's vector: each statistic's slice (zeros where this site withholds it) with this
   * site's share of the noise of those that declare ε ({@link SiteNoise}), then one contributor flag
   * per statistic ({@link SiteDisclosure}), never noised.
   */
  @Override
  public double[] statistics(int round, int threshold) {
    beforeRelease.run();
    return new SiteNoise(statistics.declarations(), threshold, epsilonDelta, random).addTo(
        disclosure.firstRound(statistics.parts(rows, followUpParts())));
  }

  /** Each {@code kaplan-meier} statistic's vector, from its follow-up, by name. */
  private Map<String, double[]> followUpParts() {
    Map<String, double[]> parts = new java.util.HashMap<>();
    for (StatisticDeclaration d : statistics.declarations()) {
      if (d instanceof StatisticDeclaration.KaplanMeier km) {
        parts.put(d.name(), km.statistic().encode(followUp.get(d.name())));
      }
    }
    return parts;
  }

  /** @return the names of the statistics this site withheld in the run's first round */
  public java.util.Set<String> withheld() {
    return disclosure.withheld();
  }

  @Override
  public void joined(int completedRounds) {
    joined.complete(null);
  }

  /** Completes when the aggregator has accepted the site's Join. */
  public java.util.concurrent.CompletableFuture<Void> joinedAtAggregator() {
    return joined;
  }

  @Override
  public double[] iterate(int round, double[] coefficients) {
    return disclosure.iteration(statistics.encodeIteration(rows, coefficients));
  }

  /** @return the rounds this site took part in that completed (a regression runs several) */
  public int completedRounds() {
    return completedRounds;
  }

  @Override
  public void roundCompleted(SiteSession.RoundResult result) {
    completedRound = result.round();
    completedRounds++;
  }

  @Override
  public void roundAborted(int round, String reason) {
    abortReason = "round " + round + " aborted at the aggregator: " + reason;
  }

  /** The round this site's statistics were released in, or null. */
  public Integer completedRound() {
    return completedRound;
  }

  /** Why the round released nothing, or null. */
  public String abortReason() {
    return abortReason;
  }
}
