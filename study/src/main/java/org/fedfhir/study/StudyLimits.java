package org.fedfhir.study;

/**
 * Upper bounds on what a study may ask of the network, checked by {@link StudyParser} so that the
 * hospitals and the aggregator refuse the same studies: a study cannot make a site train for ever,
 * nor ask for a round among more sites than any network holds.
 */
public final class StudyLimits {

  /** Most federated rounds a training study may declare ({@code rounds}). */
  public static final int MAX_ROUNDS = 1_000;

  /** Most local epochs per round or for local training ({@code local-epochs}). */
  public static final int MAX_LOCAL_EPOCHS = 1_000;

  /**
   * Most sites a study may require ({@code min-sites}, {@code threshold}): the sparse secure-aggregation
   * graph is measured up to 500 sites (docs/benchmarks.md); twice that is refused as a mistake.
   */
  public static final int MAX_SITES = 1_000;

  private StudyLimits() {}
}
