/**
 * The round coordinator: runs each round of a study with secure aggregation (Bonawitz et al.,
 * "Practical Secure Aggregation for Privacy-Preserving Machine Learning", CCS 2017) among the sites
 * present, with stage deadlines and dropouts at any stage, then applies the study's strategy to the
 * revealed sum and stores the next global model.
 *
 * <p>The protocol itself is behind {@link org.fedfhir.aggregator.round.SecureSum}; the coordinator
 * checks only what any protocol needs (study, round and stage binding; replays; vector lengths) and
 * never sees a key, a share or an unmasked update. That per-stage bookkeeping, with deadlines and
 * dropouts, is {@link org.fedfhir.aggregator.round.StageBarrier}, which the statistics coordinator
 * uses too. Transport-independent: the gRPC edge hands it
 * {@link org.fedfhir.aggregator.round.SiteLink}s.
 */
package org.fedfhir.aggregator.round;
