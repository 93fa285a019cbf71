package org.fedfhir.securecompute.privacy;

/**
 * From ρ-zero-concentrated differential privacy (ρ-zCDP, Bun and Steinke, "Concentrated
 * Differential Privacy: Simplifications, Extensions, and Lower Bounds", TCC 2016) to
 * (ε, δ)-differential privacy, and back.
 *
 * <p>{@link #epsilon} is the smaller of two valid conversions: Bun and Steinke's Proposition 1.3,
 * ε = ρ + 2·sqrt(ρ·ln(1/δ)), and the tighter one of Canonne, Kamath and Steinke, "The Discrete
 * Gaussian for Differential Privacy" (NeurIPS 2020, Corollary 13): ρ-zCDP gives (ε, δ)-DP for
 * every order α &gt; 1 with ε = αρ + (ln(1/δ) + (α−1)·ln(1−1/α) − ln α)/(α−1). Every α gives a
 * valid ε, so the numerical search for the best α can only lose tightness, never privacy.
 */
public final class ZeroConcentrated {

  private ZeroConcentrated() {}

  /**
   * The ε of (ε, δ)-DP that ρ-zCDP implies.
   *
   * @param rho ρ ≥ 0
   * @param delta δ in (0, 1)
   */
  public static double epsilon(double rho, double delta) {
    requireDelta(delta);
    if (!(rho >= 0) || Double.isInfinite(rho)) {
      throw new IllegalArgumentException("rho " + rho + " must be finite and >= 0");
    }
    if (rho == 0) {
      return 0;
    }
    double best = rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
    // α − 1 on a log grid from 1e-6 to 1e6, then a golden-section refinement around the best point.
    double bestLog = 0;
    for (int i = 0; i <= 480; i++) {
      double x = -6 * Math.log(10) + i * (12 * Math.log(10) / 480);
      double e = atOrder(1 + Math.exp(x), rho, delta);
      if (e < best) {
        best = e;
        bestLog = x;
      }
    }
    double step = 12 * Math.log(10) / 480;
    double lo = bestLog - step;
    double hi = bestLog + step;
    double g = (Math.sqrt(5) - 1) / 2;
    for (int i = 0; i < 60; i++) {
      double a = hi - g * (hi - lo);
      double b = lo + g * (hi - lo);
      if (atOrder(1 + Math.exp(a), rho, delta) < atOrder(1 + Math.exp(b), rho, delta)) {
        hi = b;
      } else {
        lo = a;
      }
    }
    return Math.min(best, atOrder(1 + Math.exp((lo + hi) / 2), rho, delta));
  }

  /**
   * The largest ρ whose {@link #epsilon} at {@code delta} is at most {@code epsilon}: the zCDP
   * budget of a release that must be (ε, δ)-DP.
   *
   * @param epsilon ε &gt; 0
   * @param delta δ in (0, 1)
   */
  public static double rhoFor(double epsilon, double delta) {
    requireDelta(delta);
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon " + epsilon + " must be finite and > 0");
    }
    double lo = 0; // epsilon(lo) <= target always
    double hi = epsilon; // epsilon(rho) >= rho, so epsilon(hi) >= target
    for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
      double mid = (lo + hi) / 2;
      if (epsilon(mid, delta) <= epsilon) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** CKS 2020, Corollary 13, at order {@code alpha} &gt; 1. */
  static double atOrder(double alpha, double rho, double delta) {
    return alpha * rho + (Math.log(1 / delta) + (alpha - 1) * Math.log1p(-1 / alpha) - Math.log(alpha))
        / (alpha - 1);
  }

  private static void requireDelta(double delta) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta " + delta + " must be in (0, 1)");
    }
  }
}
