package org.fedfhir.aggregator.strategy;

import org.fedfhir.federation.Strategy;

/**
 * FedProx: Li, Sahu, Zaheer, Sanjabi, Talwalkar, Smith, "Federated Optimization in Heterogeneous
 * Networks", MLSys 2020.
 *
 * <p>FedProx changes only the sites' local objective: each site minimises
 * {@code F_k(w) + (μ/2)·‖w − w_t‖²}, the proximal term keeping its local model near the round's
 * global model {@code w_t}. <strong>The server does exactly what weighted FedAvg does</strong> with the
 * sum it receives (Li et al., Algorithm 2); this class exists so that the study's strategy code and
 * {@link #mu()} travel together to the sites.
 */
public final class FedProx implements AggregationStrategy {

  private final double mu;
  private final FedAvg average = new FedAvg();

  /** @param mu the proximal coefficient μ ≥ 0 (study parameter {@code proximal-mu}) */
  public FedProx(double mu) {
    if (!(mu >= 0) || !Double.isFinite(mu)) {
      throw new IllegalArgumentException("proximal-mu " + mu + "; need a finite μ ≥ 0");
    }
    this.mu = mu;
  }

  public double mu() {
    return mu;
  }

  @Override
  public Strategy strategy() {
    return Strategy.FEDPROX;
  }

  @Override
  public StrategyStep apply(ModelVector global, double[] summedPayload, RoundCounts counts,
      StrategyState state) {
    return average.apply(global, summedPayload, counts, state);
  }
}
