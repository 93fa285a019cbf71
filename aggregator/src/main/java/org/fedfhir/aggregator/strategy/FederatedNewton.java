package org.fedfhir.aggregator.strategy;

import org.fedfhir.federation.Payloads;
import org.fedfhir.federation.Strategy;
import org.fedfhir.securecompute.statistics.InformationMatrix;

/**
 * Exact federated Newton–Raphson for (L2-regularised) logistic regression.
 *
 * <p>The log-likelihood's score and information are sums over patients, hence over sites:
 * {@code s = Σ_k Σ_i x_i (y_i − p_i)} and {@code I = Σ_k Σ_i p_i (1 − p_i) x_i x_iᵀ}, each evaluated
 * at the round's global coefficients β. Sites contribute their parts as the payload
 * {@link Payloads#newton} (the information matrix as its upper triangle); secure aggregation
 * (Bonawitz et al., CCS 2017) yields only the sums, and the server takes the Newton step
 * <pre>
 *   β' = β + (I + λP)⁻¹ (s − λPβ)
 * </pre>
 * where P is the identity except for a zero at the unpenalised intercept. The iterates are exactly
 * those of Newton/IRLS on the pooled data, so the converged coefficients equal the pooled fit.
 */
public final class FederatedNewton implements AggregationStrategy {

  private final double l2;
  private final int interceptIndex;

  /**
   * @param l2 L2 penalty λ ≥ 0 (study parameter {@code l2})
   * @param interceptIndex index of the intercept, not penalised; −1 if the model has none
   */
  public FederatedNewton(double l2, int interceptIndex) {
    if (!(l2 >= 0) || !Double.isFinite(l2)) {
      throw new IllegalArgumentException("l2 " + l2 + "; need finite λ ≥ 0");
    }
    if (interceptIndex < -1) {
      throw new IllegalArgumentException("intercept index " + interceptIndex + "; need −1 (none) or ≥ 0");
    }
    this.l2 = l2;
    this.interceptIndex = interceptIndex;
  }

  @Override
  public Strategy strategy() {
    return Strategy.NEWTON;
  }

  @Override
  public StrategyStep apply(ModelVector global, double[] summedPayload, RoundCounts counts,
      StrategyState state) {
    requirePayloadLength(global, summedPayload);
    int d = global.dimension();
    if (interceptIndex >= d) {
      throw new IllegalArgumentException("intercept index " + interceptIndex
          + " outside a model of dimension " + d);
    }
    double n = summedPayload[summedPayload.length - 1];
    if (!(n >= 1)) {
      throw new IllegalArgumentException("newton: summed sample count " + n + "; need ≥ 1");
    }
    double[] beta = global.toArray();
    double[] rhs = new double[d];
    double[] ridge = new double[d];
    for (int i = 0; i < d; i++) {
      ridge[i] = i == interceptIndex ? 0 : l2;
      rhs[i] = summedPayload[i] - ridge[i] * beta[i];
    }
    double[] step = InformationMatrix.fromUpperTriangle(summedPayload, d, d, ridge,
        "a feature may be constant or collinear with others; use l2 > 0").solve(rhs);
    for (int i = 0; i < d; i++) {
      beta[i] += step[i];
    }
    return new StrategyStep(ModelVector.of(beta), state);
  }
}
