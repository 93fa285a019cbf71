package org.fedfhir.federation;

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
 *   <li>t ≥ max(the study's fixed {@code threshold}, ⌈2n/3⌉);
 *   <li>at most {@code maxRounds} rounds in one session: a training study's STANDARDISE, R TRAIN and
 *       EVALUATE rounds; a statistics run's STATISTICS round and its regressions' further Newton
 *       iterations ({@link LogisticRegression#MAX_ITERATIONS} rounds in all).
 * </ul>
 *
 * @param studyMinSites the study's {@code min-sites}; 0 when the site holds no study parameters
 * @param studyThreshold the study's fixed {@code threshold}; 0 when the study leaves it to the round
 * @param maxRounds the most rounds one session takes part in
 * @param siteMinSites the site's own minimum number of participants, whatever the study says
 */
public record RoundPolicy(int studyMinSites, int studyThreshold, int maxRounds, int siteMinSites) {

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
    return new RoundPolicy(studyMinSites, studyThreshold, maxRounds, sites);
  }

  /** The fewest participants a round may have. */
  public int minSites() {
    return Math.max(studyMinSites, siteMinSites);
  }

  /** The lowest threshold a round of {@code n} participants may have: max(study threshold, ⌈2n/3⌉). */
  public int minThreshold(int n) {
    return Math.max(studyThreshold, (2 * n + 2) / 3);
  }

  /** Null if a round of {@code n} participants and threshold {@code t} is acceptable, else why not. */
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
