package org.fedfhir.securecompute.privacy;

/**
 * A privacy accountant in zero-concentrated differential privacy (Bun and Steinke, TCC 2016): the
 * ρ of every released sum adds up (zCDP composes additively), and the ε of (ε, δ)-DP it implies is
 * {@link ZeroConcentrated#epsilon}, the conversion of Canonne, Kamath and Steinke (NeurIPS 2020,
 * Corollary 13) — the same as the Rényi accountants of TensorFlow Privacy / dp_accounting and
 * Opacus, for a mechanism whose Rényi divergence of order α is αρ (the Gaussian and discrete
 * Gaussian mechanisms). It refuses to spend beyond its target: a study stops at its ε.
 *
 * <p>Not synchronised: one owner (a site's session, an aggregator's round plan) calls it.
 */
public final class ZcdpAccountant {

  /** Relative slack when comparing a spend with the target: R rounds of ρ/R may sum to ρ(1 + 1e-15). */
  private static final double SLACK = 1e-9;

  private final double targetEpsilon;
  private final double delta;
  private final double budget;
  private double spent;
  private int releases;

  /**
   * An accountant with nothing spent.
   *
   * @param targetEpsilon the ε the releases together may not exceed, &gt; 0
   * @param delta the δ of every reported ε, in (0, 1)
   */
  public ZcdpAccountant(double targetEpsilon, double delta) {
    this.budget = ZeroConcentrated.rhoFor(targetEpsilon, delta);
    this.targetEpsilon = targetEpsilon;
    this.delta = delta;
  }

  /** The ρ of the Gaussian mechanism of L2 sensitivity 1 and noise multiplier σ: 1/(2σ²). */
  public static double gaussianRho(double noiseMultiplier) {
    if (!(noiseMultiplier > 0)) {
      throw new IllegalArgumentException("noise multiplier " + noiseMultiplier + "; need σ > 0");
    }
    return 1 / (2 * noiseMultiplier * noiseMultiplier);
  }

  /** True if a release of {@code rho} keeps the total within the target ε. */
  public boolean allows(double rho) {
    return spent + rho <= budget * (1 + SLACK);
  }

  /**
   * Records a release of {@code rho}.
   *
   * @throws IllegalStateException if it would exceed the target (nothing is recorded)
   */
  public void spend(double rho) {
    if (!(rho >= 0) || Double.isInfinite(rho)) {
      throw new IllegalArgumentException("rho " + rho + "; need finite ρ ≥ 0");
    }
    if (!allows(rho)) {
      throw new IllegalStateException("a release of ρ = " + rho + " would take ε from " + epsilon() + " past the "
          + "target " + targetEpsilon + " (δ = " + delta + ")");
    }
    spent += rho;
    releases++;
  }

  /** The ε of (ε, δ)-DP of everything released so far. */
  public double epsilon() {
    return ZeroConcentrated.epsilon(spent, delta);
  }

  /** The ρ spent so far. */
  public double spentRho() {
    return spent;
  }

  /** Releases recorded. */
  public int releases() {
    return releases;
  }

  public double targetEpsilon() {
    return targetEpsilon;
  }

  public double delta() {
    return delta;
  }
}
