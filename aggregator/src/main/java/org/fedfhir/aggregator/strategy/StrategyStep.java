package org.fedfhir.aggregator.strategy;

import java.util.Objects;

/**
 * The result of applying a strategy to one round: the next global model and the server state to
 * carry into the next round.
 */
public record StrategyStep(ModelVector model, StrategyState state) {

  public StrategyStep {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(state, "state");
  }
}
