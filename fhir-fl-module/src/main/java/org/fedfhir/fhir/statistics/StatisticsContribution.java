package org.fedfhir.fhir.statistics;

import java.util.Objects;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.fhir.cohort.FeatureMatrix;
import org.fedfhir.securecompute.statistics.SiteStatistics;

/**
 * A site's work in a statistics study: in the aggregator's {@code STATISTICS} round it answers the
 * declared statistics' sufficient statistics of the site's cohort, which {@link SiteSession} then
 * encodes and masks. It remembers how the round ended (for the site's audit record), never a value.
 */
public final class StatisticsContribution implements SiteSession.RoundWork {

  private final SiteStatistics statistics;
  private final SiteStatistics.Rows rows;
  private volatile Integer completedRound;
  private volatile String abortReason;

  public StatisticsContribution(SiteStatistics statistics, SiteStatistics.Rows rows) {
    this.statistics = Objects.requireNonNull(statistics, "statistics");
    this.rows = Objects.requireNonNull(rows, "rows");
  }

  /** The site's rows as the statistics read them: the study's features and the label. */
  public static SiteStatistics.Rows rows(FeatureMatrix matrix) {
    return new SiteStatistics.Rows(matrix.names(), matrix.values(), matrix.labels());
  }

  /** @return the number of the site's records */
  public int records() {
    return rows.size();
  }

  @Override
  public double[] statistics(int round) {
    return statistics.encode(rows);
  }

  @Override
  public double[] moments() {
    throw new UnsupportedOperationException("a statistics study has no STANDARDISE round");
  }

  @Override
  public double[] train(int round, double[] globalModel, SiteSession.Standardisation standardisation) {
    throw new UnsupportedOperationException("a statistics study has no TRAIN round");
  }

  @Override
  public double[] evaluate(double[] model, SiteSession.Standardisation standardisation) {
    throw new UnsupportedOperationException("a statistics study has no EVALUATE round");
  }

  @Override
  public void roundCompleted(SiteSession.RoundResult result) {
    completedRound = result.round();
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
