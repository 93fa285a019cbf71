package org.fedfhir.aggregator.store;

/** The state of one attempt at a round. */
public enum RoundState {
  /** Running secure aggregation. Found at start-up, it means the aggregator stopped mid-round. */
  IN_FLIGHT,
  /** The sum was revealed, the strategy applied and the next global model stored. */
  COMPLETED,
  /** Too few sites remained, a stage failed, or the aggregator restarted: nothing was revealed. */
  ABORTED
}
