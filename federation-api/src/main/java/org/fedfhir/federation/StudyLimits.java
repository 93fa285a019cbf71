package org.fedfhir.federation;

import org.fedfhir.federation.v1.RoundStart;

/**
 * The upper bounds of a study (docs/study-format.md, "Limits"): the one place they are named, so
 * that no study makes a site train for ever, asks for a round among more sites than a network holds
 * or for a vector no message can carry. The study parser refuses a study beyond them, so the
 * aggregator refuses it when it is published (422) and a hospital when asked to run it; the gRPC
 * edge caps inbound messages at {@link #MAX_MESSAGE_BYTES}; a site's session refuses a round beyond
 * them whatever the aggregator sends ({@link #requireWithin}). They live beside the protocol because
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
    return trainingVectorLength(strategy, features, null);
  }

  /** As {@link #trainingVectorLength(Strategy, int)} for an {@code mlp} study's {@code network} (null for none). */
  public static long trainingVectorLength(Strategy strategy, int features, NeuralNetwork network) {
    long d = network == null ? strategy.modelDimension(features) : network.dimension();
    long update = strategy == Strategy.NEWTON ? d + d * (d + 1) / 2 + 1 : d + 1;
    return update + MetricTail.LENGTH;
  }

  /**
   * Refuses a {@code RoundStart} beyond the limits, whatever study the aggregator claims it is for:
   * more training rounds than {@link #MAX_ROUNDS}, more participants than {@link #MAX_SITES}, or a
   * global model or standardisation longer than {@link #MAX_VECTOR_LENGTH}. A site calls it before
   * it computes anything for the round.
   *
   * @throws ExceededException naming the field, its value and the limit
   */
  public static void requireWithin(RoundStart start) {
    if (start.getTrainingRounds() > MAX_ROUNDS) {
      throw new ExceededException("training_rounds", start.getTrainingRounds(), MAX_ROUNDS);
    }
    if (start.getParticipantsCount() > MAX_SITES) {
      throw new ExceededException("participants", start.getParticipantsCount(), MAX_SITES);
    }
    if (start.getGlobalModel().getWeightsCount() > MAX_VECTOR_LENGTH) {
      throw new ExceededException("global_model.weights", start.getGlobalModel().getWeightsCount(), MAX_VECTOR_LENGTH);
    }
    int standardisation = Math.max(start.getStandardisation().getMeansCount(), start.getStandardisation().getSdsCount());
    if (standardisation > MAX_VECTOR_LENGTH) {
      throw new ExceededException("standardisation", standardisation, MAX_VECTOR_LENGTH);
    }
  }

  /** A message from the aggregator asks for more than a limit allows; the site takes no part. */
  public static final class ExceededException extends IllegalArgumentException {
    ExceededException(String field, long value, long limit) {
      super("round start " + field + " of " + value + " exceeds the limit " + limit
          + " (docs/study-format.md, Limits)");
    }
  }
}
