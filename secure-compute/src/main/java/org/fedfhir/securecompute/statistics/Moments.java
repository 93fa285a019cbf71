package org.fedfhir.securecompute.statistics;

/**
 * The three sufficient statistics of a mean and a variance, kept about a declared centre c (the
 * midpoint of the bounds) so that the sums stay small and the variance formula does not cancel:
 * {@code [n, Σ(x − c), Σ(x − c)²]}.
 */
final class Moments {

  static final int LENGTH = 3;

  private Moments() {
  }

  /** Adds one value at {@code offset}. */
  static void add(double[] v, int offset, double centre, double x) {
    double d = x - centre;
    v[offset] += 1;
    v[offset + 1] += d;
    v[offset + 2] += d * d;
  }

  /**
   * Estimates from summed moments.
   *
   * @param n the count (rounded)
   * @param mean c + Σ(x − c)/n
   * @param variance the unbiased sample variance (Σ(x − c)² − (Σ(x − c))²/n)/(n − 1), NaN if n &lt; 2
   */
  record Estimate(long n, double mean, double variance) {
    static Estimate of(double n, double s1, double s2, double centre) {
      long count = Math.round(n);
      if (count < 1) {
        return new Estimate(count, Double.NaN, Double.NaN);
      }
      double mean = centre + s1 / count;
      double variance = count < 2 ? Double.NaN : Math.max(0, (s2 - s1 * s1 / count) / (count - 1));
      return new Estimate(count, mean, variance);
    }
  }
}
