package org.fedfhir.federation;

/**
 * The upper bounds of a study (docs/study-format.md, "Limits"): the one place they are named, so
 * that no study makes a site train for ever, asks for a round among more sites than a network holds
 * or for a vector no message can carry. The study parser refuses a study beyond them, so the
 * aggregator refuses it when it is published (422) and a hospital when asked to run it; the gRPC
 * edge caps inbound messages at {@link #MAX_MESSAGE_BYTES}. They live beside the protocol because
 * the study module, the sites' sessions and the aggregator all see this module.
 */
public final class StudyLimits {

  /** Most federated rounds a training study may declare ({@code rounds}). */
  public static final int MAX_ROUNDS = 1000;
  /** Most local epochs per round or for local training ({@code local-epochs}). */
  public static final int MAX_LOCAL_EPOCHS = 1000;
  /**
   * Most sites a study may require ({@code min-sites}, and so {@code threshold}): the sparse
   * secure-aggregation graph is measured up to 500 sites (docs/benchmarks.md); twice that is refused
   * as a mistake.
   */
  public static final int MAX_SITES = 1000;
  /**
   * Most values in one site's contribution to a round: a training study's TRAIN payload (which
   * grows with the square of the features for {@code newton}) or a statistics study's vector.
   */
  public static final int MAX_VECTOR_LENGTH = 1_000_000;
  /**
   * Largest gRPC message either side accepts: a vector of {@link #MAX_VECTOR_LENGTH} values at
   * most 10 bytes each (a packed varint or double), and 1 MiB for the rest of the message.
   */
  public static final int MAX_MESSAGE_BYTES = 10 * MAX_VECTOR_LENGTH + (1 << 20);

  private StudyLimits() {}

  /**
   * The length of a site's TRAIN payload for a training study of {@code features} features under
   * {@code strategy}, the longest vector such a study sends; a long, as an absurd feature count
   * would overflow an int.
   */
  public static long trainingVectorLength(Strategy strategy, int features) {
    long d = strategy.modelDimension(features);
    long update = strategy == Strategy.NEWTON ? d + d * (d + 1) / 2 + 1 : d + 1;
    return update + MetricTail.LENGTH;
  }
}
