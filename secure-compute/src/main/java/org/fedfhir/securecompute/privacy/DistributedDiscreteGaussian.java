package org.fedfhir.securecompute.privacy;

/**
 * Privacy accounting of the distributed discrete Gaussian mechanism (Kairouz, Liu and Steinke,
 * "The Distributed Discrete Gaussian Mechanism for Federated Learning with Secure Aggregation",
 * ICML 2021): each of m parties adds independent N_Z(0, σ²) noise to every coordinate of its
 * integer vector, and only the sum is revealed. The sum of the noise is not a discrete Gaussian,
 * but close to N_Z(0, mσ²); the paper bounds the gap by
 * τ = 10·Σ_{k=1}^{m−1} exp(−2π²σ²·k/(k+1)).
 *
 * <p><b>What is bounded.</b> For a query of L1 sensitivity Δ₁, L2 sensitivity Δ₂ and dimension d
 * (on the integers), the released sum satisfies ρ-zCDP with
 * ρ = min{ Δ₂²/(2mσ²) + τd, (Δ₁/(√m·σ) + τ√d)²/2 }. This is read off the paper's Rényi bound
 * (Proposition 14: D_α ≤ min{ αΔ₂²/(2mσ²) + τd, (α/2)(Δ/(√m·σ) + τ√d)² } for α ≥ 1) using
 * τd ≤ ατd, so it is at least as conservative as the paper's ε = min{ sqrt(Δ₂²/(mσ²) + τd/2),
 * Δ₁/(√m·σ) + τ√d } with ρ = ε²/2; the second term uses Δ₁ ≥ Δ₂. For m = 1, τ = 0 and ρ is the
 * discrete Gaussian's Δ₂²/(2σ²) (Canonne, Kamath and Steinke, NeurIPS 2020).
 *
 * <p><b>Which m.</b> In a secure-aggregation round with threshold t, any sum the aggregator can
 * unmask covers at least t sites, so at least t noise shares: accounting with m = t holds
 * whichever sites drop out (more shares only add noise). It assumes the sites in the sum are
 * honest about their shares; a site colluding with the aggregator can omit its own.
 */
public final class DistributedDiscreteGaussian {

  /** The smallest per-party variance {@link #calibrate} returns (the paper's analysis takes σ ≥ 1/2). */
  public static final double MIN_VARIANCE = 0.5;

  /**
   * How much one person can move the query, in lattice units.
   *
   * @param l1 L1 sensitivity Δ₁ &gt; 0
   * @param l2 L2 sensitivity Δ₂, 0 &lt; Δ₂ ≤ Δ₁
   * @param dimension d ≥ 1, the number of noised coordinates
   */
  public record Sensitivity(double l1, double l2, int dimension) {
    /** Validates the bounds. */
    public Sensitivity {
      if (!(l2 > 0) || !(l1 >= l2) || Double.isInfinite(l1) || dimension < 1) {
        throw new IllegalArgumentException("sensitivity l1=" + l1 + ", l2=" + l2 + ", dimension=" + dimension
            + "; need 0 < l2 <= l1 < infinity and dimension >= 1");
      }
    }

    /** One person changes one coordinate by at most {@code delta}: Δ₁ = Δ₂ = delta. */
    public static Sensitivity oneCoordinate(double delta, int dimension) {
      return new Sensitivity(delta, delta, dimension);
    }
  }

  private DistributedDiscreteGaussian() {}

  /** τ = 10·Σ_{k=1}^{m−1} exp(−2π²σ²·k/(k+1)); 0 for m = 1. */
  public static double tau(int parties, double variance) {
    requireParties(parties);
    double sum = 0;
    for (int k = 1; k < parties; k++) {
      sum += Math.exp(-2 * Math.PI * Math.PI * variance * k / (k + 1));
    }
    return 10 * sum;
  }

  /**
   * The zCDP ρ of the sum of {@code parties} shares, each N_Z(0, variance) per coordinate.
   *
   * @param parties m ≥ 1
   * @param variance σ² &gt; 0 of each party's share
   */
  public static double rho(int parties, double variance, Sensitivity sensitivity) {
    requireParties(parties);
    if (!(variance > 0) || Double.isInfinite(variance)) {
      throw new IllegalArgumentException("variance " + variance + " must be finite and > 0");
    }
    double tau = tau(parties, variance);
    int d = sensitivity.dimension();
    double l2 = sensitivity.l2() * sensitivity.l2() / (2.0 * parties * variance) + tau * d;
    double l1 = sensitivity.l1() / Math.sqrt(parties * variance) + tau * Math.sqrt(d);
    return Math.min(l2, l1 * l1 / 2);
  }

  /** The ε of (ε, δ)-DP of that sum ({@link ZeroConcentrated#epsilon}). */
  public static double epsilon(int parties, double variance, Sensitivity sensitivity, double delta) {
    return ZeroConcentrated.epsilon(rho(parties, variance, sensitivity), delta);
  }

  /**
   * The smallest per-party variance σ² (at least {@value #MIN_VARIANCE}) whose sum of
   * {@code parties} shares is {@code rho}-zCDP.
   *
   * @param rho ρ &gt; 0
   */
  public static double calibrate(double rho, int parties, Sensitivity sensitivity) {
    if (!(rho > 0) || Double.isInfinite(rho)) {
      throw new IllegalArgumentException("rho " + rho + " must be finite and > 0");
    }
    double hi = MIN_VARIANCE;
    while (rho(parties, hi, sensitivity) > rho) {
      hi *= 2;
    }
    if (hi == MIN_VARIANCE) {
      return hi;
    }
    double lo = hi / 2; // rho(lo) > target
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
      double mid = (lo + hi) / 2;
      if (rho(parties, mid, sensitivity) > rho) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  /** The smallest per-party variance whose sum of {@code parties} shares is (ε, δ)-DP. */
  public static double calibrate(double epsilon, double delta, int parties, Sensitivity sensitivity) {
    return calibrate(ZeroConcentrated.rhoFor(epsilon, delta), parties, sensitivity);
  }

  private static void requireParties(int parties) {
    if (parties < 1) {
      throw new IllegalArgumentException("parties " + parties + " must be >= 1");
    }
  }
}
