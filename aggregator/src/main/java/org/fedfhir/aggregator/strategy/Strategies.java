package org.fedfhir.aggregator.strategy;

/**
 * Builds the strategy a study names (study parameter {@code strategy}, see docs/study-format.md).
 */
public final class Strategies {

  private Strategies() {}

  /**
   * @param code {@code fedavg | fedprox | fedadam | fedadagrad | fedyogi | newton}
   * @param proximalMu FedProx μ ({@code proximal-mu})
   * @param serverLearningRate η of the server optimisers ({@code server-learning-rate})
   * @param l2 L2 penalty of federated Newton ({@code l2})
   * @param interceptIndex index of the unpenalised intercept for Newton, −1 if none
   */
  public static Strategy forCode(String code, double proximalMu, double serverLearningRate, double l2,
      int interceptIndex) {
    return switch (code) {
      case "fedavg" -> new FedAvg();
      case "fedprox" -> new FedProx(proximalMu);
      case "fedadam" -> AdaptiveServerOptimizer.withDefaults(
          AdaptiveServerOptimizer.Variant.ADAM, serverLearningRate);
      case "fedadagrad" -> AdaptiveServerOptimizer.withDefaults(
          AdaptiveServerOptimizer.Variant.ADAGRAD, serverLearningRate);
      case "fedyogi" -> AdaptiveServerOptimizer.withDefaults(
          AdaptiveServerOptimizer.Variant.YOGI, serverLearningRate);
      case "newton" -> new FederatedNewton(l2, interceptIndex);
      default -> throw new IllegalArgumentException("strategy '" + code
          + "'; need one of fedavg, fedprox, fedadam, fedadagrad, fedyogi, newton");
    };
  }
}
