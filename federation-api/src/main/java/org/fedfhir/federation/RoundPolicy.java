package org.fedfhir.federation;

import org.fedfhir.securecompute.secagg.GraphPolicy;
import org.fedfhir.securecompute.statistics.LogisticRegression;

/**
 * What a site requires of every round the aggregator starts, checked against the {@code
 * RoundStart} before the site computes anything: the aggregator chooses the participants and the
 * threshold, so a site that took them as sent would let a deviating aggregator shrink a round
 * until one site's input is the sum (Bonawitz et al. 2017, §6, bound a malicious server only for
 * t &gt; 2n/3 and n large enough).
 *
 * <ul>
 *   <li>n ≥ max(the study's {@code min-sites}, the site's own minimum);
 *   <li>on the complete graph, t ≥ max(the study's fixed {@code threshold}, ⌈2n/3⌉); on a sparse
 *       SecAgg+ graph of k neighbours, k at least the site's own {@link GraphPolicy}'s safe degree
 *       for n and t within what that policy allows per neighbourhood — a site never accepts a graph
 *       sparser than its own policy's;
 *   <li>at most {@code maxRounds} rounds in one session: a training study's STANDARDISE, R TRAIN and
 *       EVALUATE rounds; a statistics run's STATISTICS round and its regressions' further Newton
 *       iterations ({@link LogisticRegression#MAX_ITERATIONS} rounds in all).
 * </ul>
 *
 * @param studyMinSites the study's {@code min-sites}; 0 when the site holds no study parameters
 * @param studyThreshold the study's fixed {@code threshold}; 0 when the study leaves it to the round
 * @param maxRounds the most rounds one session takes part in
 * @param siteMinSites the site's own minimum number of participants, whatever the study says
 * @param graph what the site requires of a sparse neighbour graph
 */
public record RoundPolicy(int studyMinSites, int studyThreshold, int maxRounds, int siteMinSites, GraphPolicy graph) {

  /** The site's own minimum number of participants unless it sets another. */
  public static final int DEFAULT_SITE_MIN_SITES = 3;

  public RoundPolicy {
    if (studyMinSites < 0 || studyThreshold < 0) {
      throw new IllegalArgumentException("study min-sites " + studyMinSites + ", threshold " + studyThreshold
          + "; need ≥ 0");
    }
    if (maxRounds < 1) {
      throw new IllegalArgumentException("max rounds " + maxRounds + "; need ≥ 1");
    }
    if (siteMinSites < 2) {
      throw new IllegalArgumentException("site min-sites " + siteMinSites + "; need ≥ 2 (one site's input would be "
          + "the sum)");
    }
    java.util.Objects.requireNonNull(graph, "graph policy");
  }

  /** A policy with the default {@link GraphPolicy}. */
  public RoundPolicy(int studyMinSites, int studyThreshold, int maxRounds, int siteMinSites) {
    this(studyMinSites, studyThreshold, maxRounds, siteMinSites, GraphPolicy.DEFAULT);
  }

  /** The same policy with another requirement on sparse graphs. */
  public RoundPolicy withGraphPolicy(GraphPolicy policy) {
    return new RoundPolicy(studyMinSites, studyThreshold, maxRounds, siteMinSites, policy);
  }

  /** Only the site's own rules: no study parameters, rounds bounded only by their order. */
  public static RoundPolicy siteDefault() {
    return new RoundPolicy(0, 0, Integer.MAX_VALUE, DEFAULT_SITE_MIN_SITES);
  }

  /**
   * A training study: STANDARDISE, {@code rounds} TRAIN rounds and EVALUATE.
   *
   * @param threshold the study's fixed threshold, or null
   */
  public static RoundPolicy training(int minSites, Integer threshold, int rounds) {
    return new RoundPolicy(minSites, threshold == null ? 0 : threshold, rounds + 2, DEFAULT_SITE_MIN_SITES);
  }

  /**
   * A statistics run: one STATISTICS round, and while the study's logistic regressions iterate, a
   * STATISTICS_ITERATION round per further Newton iteration.
   *
   * @param threshold the study's fixed threshold, or null
   */
  public static RoundPolicy statistics(int minSites, Integer threshold, boolean regressions) {
    return new RoundPolicy(minSites, threshold == null ? 0 : threshold,
        regressions ? LogisticRegression.MAX_ITERATIONS : 1, DEFAULT_SITE_MIN_SITES);
  }

  /** The same policy with the site's own minimum number of participants {@code sites}. */
  public RoundPolicy withSiteMinSites(int sites) {
    return new RoundPolicy(studyMinSites, studyThreshold, maxRounds, sites, graph);
  }

  /** The fewest participants a round may have. */
  public int minSites() {
    return Math.max(studyMinSites, siteMinSites);
  }

  /** The lowest threshold a round of {@code n} participants may have: max(study threshold, ⌈2n/3⌉). */
  public int minThreshold(int n) {
    return Math.max(studyThreshold, (2 * n + 2) / 3);
  }

  /**
   * Null if a round of {@code n} participants, threshold {@code t} and a graph of {@code neighbours}
   * (0: complete) is acceptable, else why not.
   */
  public String refusal(int n, int t, int neighbours) {
    if (neighbours == 0) {
      return refusal(n, t);
    }
    if (n < minSites()) {
      return refusal(n, t);
    }
    int safe = graph.degree(n);
    if (neighbours < safe || neighbours >= n - 1 || neighbours % 2 != 0) {
      return "a sparse graph of " + neighbours + " neighbours among " + n + " participants; this site requires at "
          + "least " + safe + (safe >= n - 1 ? " (the complete graph)" : "") + " " + describe();
    }
    if (!graph.allows(n, neighbours, t)) {
      return "threshold " + t + " in neighbourhoods of " + (neighbours + 1) + " among " + n + " participants fails "
          + "with probability " + String.format(java.util.Locale.ROOT, "%.1e", graph.failure(n, neighbours, t))
          + "; this site requires " + describe();
    }
    return null;
  }

  private String describe() {
    return String.format(java.util.Locale.ROOT, "(SecAgg+ for %.0f %% dropouts, %.0f %% colluding sites, failure ≤ %.0e)",
        100 * graph.dropout(), 100 * graph.corruption(), graph.failureProbability());
  }

  /** Null if a round of {@code n} participants and threshold {@code t} on the complete graph is acceptable, else why not. */
  public String refusal(int n, int t) {
    if (n < minSites()) {
      return n + " participants; this site requires at least " + minSites() + " (study min-sites "
          + studyMinSites + ", the site's own minimum " + siteMinSites + ")";
    }
    if (t < minThreshold(n) || t > n) {
      return "threshold " + t + " of " + n + " participants; this site requires " + minThreshold(n) + " ≤ t ≤ " + n
          + (studyThreshold > 0 ? " (study threshold " + studyThreshold + ")" : " (⌈2n/3⌉)");
    }
    return null;
  }
}
