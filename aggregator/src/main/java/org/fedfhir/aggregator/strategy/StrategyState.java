package org.fedfhir.aggregator.strategy;

/**
 * Server-side state a strategy carries from one round to the next, as an immutable value (so a round
 * that aborts leaves the previous state untouched and a restarted aggregator can resume from a stored
 * state).
 */
public sealed interface StrategyState permits StrategyState.None, AdaptiveState {

  /** The state of strategies that keep none (FedAvg, FedProx, federated Newton). */
  record None() implements StrategyState {}

  StrategyState NONE = new None();
}
