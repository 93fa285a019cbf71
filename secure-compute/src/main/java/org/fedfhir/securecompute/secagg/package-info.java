/**
 * Secure aggregation: the protocol of Bonawitz et al., "Practical Secure Aggregation for
 * Privacy-Preserving Machine Learning" (CCS 2017, the version with signatures and a consistency
 * check, their Figure 4), with the sparse neighbour graph of Bell et al., "Secure Single-Server
 * Aggregation with (Poly)Logarithmic Overhead" (CCS 2020, "SecAgg+") as an option.
 *
 * <p>The aggregator learns the sum of the sites' integer vectors modulo 2^k and nothing else about
 * any single vector, even when sites drop out at any stage, as long as at least {@code t} sites
 * stay. The package owns two explicit state machines, {@link
 * org.fedfhir.securecompute.secagg.SiteRound} and {@link
 * org.fedfhir.securecompute.secagg.AggregatorRound}, and the immutable messages between them. It
 * knows no transport, no FedAvg and no Tribuo: it sums integer vectors.
 *
 * <p>Stages: advertise keys → share keys → masked input → consistency check → unmask. Every message
 * is bound to its study, round and stage; each kind of failure has its own exception type, all
 * subclasses of {@link org.fedfhir.securecompute.secagg.SecAggException}.
 */
package org.fedfhir.securecompute.secagg;
