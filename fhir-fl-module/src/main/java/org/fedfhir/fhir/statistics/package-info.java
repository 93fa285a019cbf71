/**
 * The site's part of a statistics study over the network (docs/federation.md, "Statistics studies
 * over the network"): its extracted cohort becomes the declared statistics' sufficient statistics
 * ({@code secure-compute}'s {@code SiteStatistics}), each checked first against the site's own
 * disclosure policy ({@code SiteDisclosure}: a statistic with a small count is withheld), which
 * leave the site only masked, through secure aggregation in the aggregator's rounds. HAPI-free; the FHIR operation and the audit
 * record live in {@code plugin} and {@code audit}.
 */
package org.fedfhir.fhir.statistics;
