package org.fedfhir.aggregator.strategy;

import org.fedfhir.federation.Payloads;
import org.fedfhir.federation.Strategy;

/**
 * Weighted federated averaging: the next model is Σ n_k·w_k / Σ n_k over the contributing sites.
 *
 * <p>McMahan, Moore, Ramage, Hampson, Agüera y Arcas, "Communication-Efficient Learning of Deep
 * Networks from Decentralized Data", AISTATS 2017 (FederatedAveraging, weights n_k/n). The sums arrive
 * through secure aggregation (Bonawitz et al. 2017) as the payload {@link Payloads#weightedModel};
 * dropouts are simply absent from both sums, so the average is over the sites that contributed.
 */
public final class FedAvg implements AggregationStrategy {

  @Override
  public Strategy strategy() {
    return Strategy.FEDAVG;
  }

  @Override
  public StrategyStep apply(ModelVector global, double[] summedPayload, RoundCounts counts,
      StrategyState state) {
    return new StrategyStep(average(global, summedPayload), state);
  }

  /** Σ n_k·w_k / Σ n_k from the summed weighted-model payload. */
  ModelVector average(ModelVector global, double[] summedPayload) {
    requirePayloadLength(global, summedPayload);
    int d = global.dimension();
    double n = summedPayload[d];
    if (!(n >= 1)) {
      throw new IllegalArgumentException(strategy().code() + ": summed sample count " + n + "; need ≥ 1");
    }
    double[] w = new double[d];
    for (int i = 0; i < d; i++) {
      w[i] = summedPayload[i] / n;
    }
    return ModelVector.of(w);
  }
}
