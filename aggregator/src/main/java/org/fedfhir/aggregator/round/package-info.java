/**
 * A study's session at the aggregator: {@link org.fedfhir.aggregator.round.StudySession} runs each
 * round of a study with secure aggregation (Bonawitz et al., "Practical Secure Aggregation for
 * Privacy-Preserving Machine Learning", CCS 2017) among the sites joined, with stage deadlines and
 * dropouts at any stage, and records each round's consequence; what the rounds are is the study's
 * pure {@link org.fedfhir.aggregator.round.RoundPlan} ({@link org.fedfhir.aggregator.round.TrainingPlan}
 * applies the study's strategy to each revealed sum; the statistics plan combines statistics).
 *
 * <p>The protocol itself is behind {@link org.fedfhir.aggregator.round.SecureSum}; the session
 * checks only what any protocol needs (study, round and stage binding; replays; vector lengths) and
 * never sees a key, a share or an unmasked update. That per-stage bookkeeping, with deadlines and
 * dropouts, is {@link org.fedfhir.aggregator.round.StageBarrier}. Transport-independent: the gRPC
 * edge hands the session {@link org.fedfhir.aggregator.round.SiteLink}s.
 */
package org.fedfhir.aggregator.round;
