package org.fedfhir.securecompute.statistics;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * Noise for differentially private releases, always from a {@link SecureRandom}.
 *
 * <p>{@link #sample(double)}: the discrete Laplace (two-sided geometric) distribution,
 * {@code P(k) ∝ exp(−|k| / t)} on the integers, drawn as the difference of two geometric
 * variables (Ghosh, Roughgarden and Sundararajan, "Universally utility-maximizing privacy
 * mechanisms", STOC 2009). Added to a count of sensitivity Δ with {@code t = Δ / ε} it gives
 * ε-differential privacy, and the result stays an integer, so it avoids the floating-point
 * weaknesses of the textbook continuous mechanism (Mironov, CCS 2012) for counts.
 *
 * <p>{@link #continuous(double)}: the continuous Laplace distribution by inversion, used for sums
 * of bounded values. Its floating-point output leaks in the low bits (Mironov 2012); the released
 * figures are rounded to 1e-6 of the scale by the callers, which reduces but does not remove the
 * issue — a snapping mechanism is the fix, not done.
 */
public final class DiscreteLaplace {

  private final SecureRandom random;

  /** @param random the source of all draws */
  public DiscreteLaplace(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * @param scale t = Δ / ε &gt; 0
   * @return an integer with {@code P(k) ∝ exp(−|k| / t)}
   */
  public long sample(double scale) {
    requireScale(scale);
    double q = Math.exp(-1.0 / scale); // failure probability of each geometric trial
    return geometric(q) - geometric(q);
  }

  /**
   * @param scale b = Δ / ε &gt; 0
   * @return a draw of the Laplace distribution with mean 0 and scale b
   */
  public double continuous(double scale) {
    requireScale(scale);
    double u = uniformOpen() - 0.5; // (-0.5, 0.5)
    return -scale * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
  }

  /** Number of failures before the first success, success probability 1 − q. */
  private long geometric(double q) {
    if (q <= 0) {
      return 0;
    }
    double u = uniformOpen();
    return (long) Math.floor(Math.log(u) / Math.log(q));
  }

  /** Uniform in (0, 1). */
  private double uniformOpen() {
    double u;
    do {
      u = random.nextDouble();
    } while (u == 0.0);
    return u;
  }

  private static void requireScale(double scale) {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("scale " + scale + " must be finite and > 0");
    }
  }
}
