/**
 * The site's part of a statistics study over the network (docs/federation.md, "Statistics studies
 * over the network"): its extracted cohort becomes the declared statistics' sufficient statistics
 * ({@code secure-compute}'s {@code SiteStatistics}), which leave the site only masked, through
 * secure aggregation in the aggregator's one round. HAPI-free; the FHIR operation and the audit
 * record live in {@code plugin} and {@code audit}.
 */
package org.fedfhir.fhir.statistics;
