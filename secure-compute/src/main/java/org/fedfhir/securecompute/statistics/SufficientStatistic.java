package org.fedfhir.securecompute.statistics;

import java.util.List;

/**
 * A statistic computed from the sum of the sites' local sufficient statistics.
 *
 * <p>A site calls {@link #encode} on its own records and gets a vector of {@link #length()}
 * numbers (counts and sums; the layout is fixed by the statistic's declaration, never by the
 * data). The vectors of all sites are added by secure aggregation, and {@link #combine} turns
 * the sum into the released result, applying the disclosure rules of the {@link Release}. Since
 * every coordinate is a sum over patients, the result equals the same statistic computed on the
 * pooled records.
 *
 * @param <R> one site-local record (one patient's values)
 * @param <T> the released result
 */
public interface SufficientStatistic<R, T> {

  /** @return the statistic's name in the study (unique within it) */
  String name();

  /** @return the length of the encoded vector, the same at every site */
  int length();

  /**
   * The largest absolute value any coordinate of one site's vector can take when the site has at
   * most {@code maxRecordsPerSite} records: what the fixed-point codec must hold without clipping
   * ({@link StatisticsEncoding}).
   */
  double maxAbsCoordinate(int maxRecordsPerSite);

  /**
   * Site-local: the sufficient statistics of this site's records.
   *
   * @param records the site's records; values outside the declared bounds are clipped, missing
   *     values and undeclared categories are left out (each statistic documents which)
   * @return a new vector of {@link #length()} numbers
   */
  double[] encode(List<R> records);

  /**
   * Site-local: the patient counts that one site's own vector reveals (cells, group sizes, bins,
   * at-risk, event and censoring counts, rows used; each statistic documents its layout), which
   * the site holds against its disclosure policy before its vector is masked
   * ({@link SiteDisclosure}).
   *
   * @param siteVector one site's vector from {@link #encode}, {@link #length()} numbers
   */
  long[] disclosedCounts(double[] siteVector);

  /**
   * From the SUM of the sites' vectors to the released result.
   *
   * @param sum the decoded secure sum, {@link #length()} numbers
   * @param release the disclosure policy, the number of sites in the sum, and optional
   *     differential privacy
   * @throws PrivacyBudgetExhaustedException if differential privacy is asked for and the study's
   *     budget cannot pay for it (nothing is released then)
   */
  T combine(double[] sum, Release release);

  /**
   * The result of a statistic that is not released at all, because fewer than
   * {@value SiteDisclosure#MIN_CONTRIBUTORS} sites passed their own disclosure checks for it: every
   * figure masked, {@code reason} its only suppressed label.
   *
   * @param reason why nothing is released
   * @param sites how many sites contributed it (fewer than {@value SiteDisclosure#MIN_CONTRIBUTORS})
   */
  T withheld(String reason, int sites);
}
