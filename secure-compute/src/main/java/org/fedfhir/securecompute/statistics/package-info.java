/**
 * Secure statistics across sites: every statistic is a pair of a site-local encoder of
 * <em>sufficient statistics</em> (a fixed-schema vector of counts and sums, the same length at
 * every site) and a combiner that turns the SUM of those vectors into the released result.
 * The sum is all the combiner ever sees: the sites' vectors are added by secure aggregation
 * (Bonawitz et al., "Practical Secure Aggregation for Privacy-Preserving Machine Learning",
 * CCS 2017; package {@code secagg}) after fixed-point encoding ({@code encoding.FixedPointCodec}),
 * so no party learns one site's figures.
 *
 * <p>What the package owns:
 * <ul>
 *   <li>the statistics: {@link org.fedfhir.securecompute.statistics.ContingencyTable} (counts
 *       and cross-tabulations with Pearson's chi-square test),
 *       {@link org.fedfhir.securecompute.statistics.NumericSummary} (count, mean, variance, SD,
 *       histogram, histogram quantiles, bounded min/max, per group),
 *       {@link org.fedfhir.securecompute.statistics.WelchTest} (Welch 1947),
 *       {@link org.fedfhir.securecompute.statistics.SurvivalAnalysis} (Kaplan–Meier 1958 with
 *       Greenwood's variance and the log-rank test of Mantel 1966, on declared time buckets) and
 *       {@link org.fedfhir.securecompute.statistics.LogisticRegression} (Newton–Raphson from
 *       summed scores and information matrices, with standard errors);</li>
 *   <li>disclosure control: {@link org.fedfhir.securecompute.statistics.DisclosurePolicy}
 *       (minimum cell count, the stricter of site and study wins),
 *       {@link org.fedfhir.securecompute.statistics.SiteDisclosure} (each site withholds a
 *       statistic whose own counts fail its policy, before masking, and says so in a contributor
 *       flag; a statistic fewer than two sites contributed is not released),
 *       {@link org.fedfhir.securecompute.statistics.Suppression} (primary and complementary
 *       suppression), and optional differential privacy
 *       ({@link org.fedfhir.securecompute.statistics.PrivacyLedger},
 *       {@link org.fedfhir.securecompute.statistics.DiscreteLaplace});</li>
 *   <li>{@link org.fedfhir.securecompute.statistics.StatisticsEncoding}: the fixed-point
 *       codec chosen for a study so that the secure sum provably cannot wrap, and
 *       {@link org.fedfhir.securecompute.statistics.InProcessStatisticsRound}, which runs a whole
 *       study's encoders, one secure-aggregation round ({@code secagg.LocalRound}) and the
 *       combiners among in-process sites.</li>
 * </ul>
 * No HAPI FHIR, no Spring: rendering results as FHIR lives in the FHIR-facing modules.
 * Nothing here logs; results never contain one site's figures.
 */
package org.fedfhir.securecompute.statistics;
