package org.fedfhir.aggregator.store;

/** Where a study stands at the aggregator. */
public enum StudyStatus {
  /** Published; rounds run when enough sites have joined. */
  ACTIVE,
  /** Every round completed. */
  COMPLETED,
  /** Stopped by its owner or by an unrecoverable error. */
  STOPPED
}
