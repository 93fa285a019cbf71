package org.fedfhir.aggregator.strategy;

import org.fedfhir.federation.Strategy;

/**
 * Server-side adaptive optimisers FedAdagrad, FedAdam and FedYogi of Reddi, Charles, Zaheer, Garrett,
 * Rush, Konečný, Kumar, McMahan, "Adaptive Federated Optimization", ICLR 2021 (Algorithm 2).
 *
 * <p>Each round the sites' weighted average {@code x̄} (as in FedAvg, McMahan et al. 2017) gives the
 * pseudo-gradient {@code g = x_t − x̄} (global minus average). With {@code Δ = −g}:
 * <pre>
 *   m_t = β₁·m_{t−1} + (1 − β₁)·Δ
 *   v_t = v_{t−1} + Δ²                                   (FedAdagrad)
 *   v_t = β₂·v_{t−1} + (1 − β₂)·Δ²                       (FedAdam)
 *   v_t = v_{t−1} − (1 − β₂)·Δ²·sign(v_{t−1} − Δ²)       (FedYogi)
 *   x_{t+1} = x_t + η·m_t / (√v_t + τ)
 * </pre>
 * As in the paper there is no bias correction, and {@code v} starts at τ² ({@code v_{−1} ≥ τ²}).
 * The moments are carried between rounds as an immutable {@link AdaptiveState}.
 */
public final class AdaptiveServerOptimizer implements AggregationStrategy {

  /** The three variants of Reddi et al. 2021. */
  public enum Variant {
    ADAGRAD(Strategy.FEDADAGRAD), ADAM(Strategy.FEDADAM), YOGI(Strategy.FEDYOGI);

    private final Strategy strategy;

    Variant(Strategy strategy) {
      this.strategy = strategy;
    }
  }

  private final Variant variant;
  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double tau;
  private final FedAvg average = new FedAvg();

  /**
   * @param variant FedAdagrad, FedAdam or FedYogi
   * @param learningRate server learning rate η &gt; 0 (study parameter {@code server-learning-rate})
   * @param beta1 first-moment decay, 0 ≤ β₁ &lt; 1
   * @param beta2 second-moment decay, 0 ≤ β₂ &lt; 1 (unused by FedAdagrad)
   * @param tau adaptivity τ &gt; 0
   */
  public AdaptiveServerOptimizer(Variant variant, double learningRate, double beta1, double beta2,
      double tau) {
    if (variant == null) {
      throw new IllegalArgumentException("variant is required: one of ADAGRAD, ADAM, YOGI");
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("server learning rate " + learningRate + "; need finite η > 0");
    }
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new IllegalArgumentException("beta1 " + beta1 + "; need 0 ≤ β₁ < 1");
    }
    if (!(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("beta2 " + beta2 + "; need 0 ≤ β₂ < 1");
    }
    if (!(tau > 0) || !Double.isFinite(tau)) {
      throw new IllegalArgumentException("tau " + tau + "; need finite τ > 0");
    }
    this.variant = variant;
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.tau = tau;
  }

  /** The paper's common defaults β₁ = 0.9, β₂ = 0.99, τ = 10⁻³ with the given server rate. */
  public static AdaptiveServerOptimizer withDefaults(Variant variant, double learningRate) {
    return new AdaptiveServerOptimizer(variant, learningRate, 0.9, 0.99, 1e-3);
  }

  public Variant variant() {
    return variant;
  }

  @Override
  public Strategy strategy() {
    return variant.strategy;
  }

  @Override
  public AdaptiveState initialState(int modelDimension) {
    double[] v = new double[modelDimension];
    java.util.Arrays.fill(v, tau * tau);
    return new AdaptiveState(new double[modelDimension], v, 0);
  }

  @Override
  public StrategyStep apply(ModelVector global, double[] summedPayload, RoundCounts counts,
      StrategyState state) {
    if (!(state instanceof AdaptiveState s) || s.dimension() != global.dimension()) {
      throw new IllegalArgumentException(strategy().code() + " needs an AdaptiveState of dimension "
          + global.dimension() + "; got " + state);
    }
    ModelVector mean = average.average(global, summedPayload);
    int d = global.dimension();
    double[] m = s.firstMoment();
    double[] v = s.secondMoment();
    double[] x = global.toArray();
    for (int i = 0; i < d; i++) {
      double delta = mean.get(i) - x[i]; // Δ = −(pseudo-gradient)
      double delta2 = delta * delta;
      m[i] = beta1 * m[i] + (1 - beta1) * delta;
      v[i] = switch (variant) {
        case ADAGRAD -> v[i] + delta2;
        case ADAM -> beta2 * v[i] + (1 - beta2) * delta2;
        case YOGI -> v[i] - (1 - beta2) * delta2 * Math.signum(v[i] - delta2);
      };
      x[i] += learningRate * m[i] / (Math.sqrt(v[i]) + tau);
    }
    return new StrategyStep(ModelVector.of(x), new AdaptiveState(m, v, s.rounds() + 1));
  }
}
