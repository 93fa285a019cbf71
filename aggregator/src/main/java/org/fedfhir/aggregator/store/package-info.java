/**
 * What the aggregator remembers across restarts: studies, sites, rounds (state, participants,
 * dropouts, timings), global models by SHA-256 digest, strategy state and network-wide metrics.
 *
 * <p>{@link org.fedfhir.aggregator.store.StudyStore} is the contract; it has an in-memory
 * implementation for tests and a JPA one ({@code store.jpa}) for H2 and PostgreSQL. One contract
 * test runs against both. A round completes atomically: its global model is written in the same
 * transaction as the round's completion, so no model is ever half-written and no completed round
 * lacks its model.
 */
package org.fedfhir.aggregator.store;
