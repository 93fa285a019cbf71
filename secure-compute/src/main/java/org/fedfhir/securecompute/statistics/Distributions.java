package org.fedfhir.securecompute.statistics;

import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

/** Upper tails of the reference distributions, computed directly (no 1 − cdf cancellation). */
final class Distributions {

  private Distributions() {
  }

  /** P(χ²_df ≥ x) = Q(df/2, x/2), the regularised upper incomplete gamma function. */
  static double chiSquareUpperTail(double x, double df) {
    if (x <= 0) {
      return 1;
    }
    return Gamma.regularizedGammaQ(df / 2, x / 2);
  }

  /** P(|T_df| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2), the regularised incomplete beta function. */
  static double studentTwoSided(double t, double df) {
    if (Double.isNaN(t)) {
      return Double.NaN;
    }
    return Beta.regularizedBeta(df / (df + t * t), df / 2, 0.5);
  }

  /** P(Z ≥ z) for a standard normal Z, = erfc(z/√2)/2. */
  static double normalUpperTail(double z) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    return Erf.erfc(z / Math.sqrt(2)) / 2;
  }
}
