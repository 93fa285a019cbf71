package org.fedfhir.aggregator.statistics;

/** A statistics run that released nothing, and why; the FHIR edge maps each {@link Kind} to a status. */
public final class StatisticsRunRefused extends Exception {

  /** Why nothing was released. */
  public enum Kind {
    /** No published study with this id. */
    UNKNOWN_STUDY,
    /** The study is not of kind statistics. */
    NOT_STATISTICS,
    /** Fewer sites than the study's min-sites had joined within the wait. */
    TOO_FEW_SITES,
    /** A run of the study is already in flight. */
    BUSY,
    /** The secure-aggregation round aborted (fewer than t sites remained): nothing was revealed. */
    ABORTED,
    /** The study's ε budget cannot pay for the release. */
    BUDGET_EXHAUSTED
  }

  private final Kind kind;

  public StatisticsRunRefused(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
