package org.fedfhir.aggregator.strategy;

import org.fedfhir.federation.Payloads;
import org.fedfhir.federation.Strategy;

/**
 * An aggregation policy: a pure function of (global model, aggregated sum, round counts, state).
 *
 * <p>Each site contributes an update of {@link #payloadLength(int)} numbers (built with
 * {@link Payloads}, laid out as its {@link Strategy} says); secure aggregation (Bonawitz et al., CCS 2017) sums them without revealing any
 * one; {@link #apply} turns that sum into the next global model. Strategies know nothing of masks and
 * never see a single site's payload, as in Flower's split between strategy and secure aggregation.
 */
public interface AggregationStrategy {

  /** The study's strategy this policy implements. */
  Strategy strategy();

  /** Length of the update each site contributes for a model of the given dimension. */
  default int payloadLength(int modelDimension) {
    return strategy().updateLength(modelDimension);
  }

  /** The server state before the first round. */
  default StrategyState initialState(int modelDimension) {
    return StrategyState.NONE;
  }

  /**
   * Computes the next global model.
   *
   * @param global the model the round started from
   * @param summedPayload the sum over contributing sites of their payloads
   * @param counts participants and contributors (dropouts) of the round
   * @param state the state returned by the previous round (or {@link #initialState})
   * @throws IllegalArgumentException if the sum has the wrong length or is unusable (no samples)
   */
  StrategyStep apply(ModelVector global, double[] summedPayload, RoundCounts counts, StrategyState state);

  /** Checks the summed payload's length against the model's dimension. */
  default void requirePayloadLength(ModelVector global, double[] summedPayload) {
    int expected = payloadLength(global.dimension());
    if (summedPayload.length != expected) {
      throw new IllegalArgumentException(strategy().code() + ": summed payload has " + summedPayload.length
          + " values; need " + expected + " for a model of dimension " + global.dimension());
    }
  }
}
