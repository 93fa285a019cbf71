package org.fedfhir.aggregator.strategy;

import org.fedfhir.federation.Strategy;

/**
 * Builds the aggregation policy of the strategy a study names (study parameter {@code strategy},
 * see docs/study-format.md).
 */
public final class Strategies {

  private Strategies() {}

  /**
   * @param strategy the study's strategy
   * @param modelDimension the length of the study's model (for Newton, whose intercept is last and not
   *     penalised)
   * @param proximalMu FedProx μ ({@code proximal-mu})
   * @param serverLearningRate η of the server optimisers ({@code server-learning-rate})
   * @param l2 L2 penalty of federated Newton ({@code l2})
   */
  public static AggregationStrategy of(Strategy strategy, int modelDimension, double proximalMu,
      double serverLearningRate, double l2) {
    return switch (strategy) {
      case FEDAVG -> new FedAvg();
      case FEDPROX -> new FedProx(proximalMu);
      case FEDADAM -> AdaptiveServerOptimizer.withDefaults(
          AdaptiveServerOptimizer.Variant.ADAM, serverLearningRate);
      case FEDADAGRAD -> AdaptiveServerOptimizer.withDefaults(
          AdaptiveServerOptimizer.Variant.ADAGRAD, serverLearningRate);
      case FEDYOGI -> AdaptiveServerOptimizer.withDefaults(
          AdaptiveServerOptimizer.Variant.YOGI, serverLearningRate);
      case NEWTON -> new FederatedNewton(l2,
          strategy.layout().interceptIndex(strategy.features(modelDimension)));
    };
  }
}
