package org.fedfhir.aggregator.strategy;

/**
 * Global feature means and variances from securely aggregated moments, so that every site
 * standardises its features with the same network-wide values rather than its own (which would give
 * each site a different feature scale and bias the federated model).
 *
 * <p>Sites contribute {@link Payloads#moments} = {@code [n, Σx, Σx²]}; secure aggregation (Bonawitz
 * et al., CCS 2017) reveals only their sum. Then {@code mean = Σx / n} and the population variance
 * {@code Σx²/n − mean²} (clamped at 0 against rounding).
 *
 * @param count total number of rows n
 * @param means per-feature means
 * @param variances per-feature population variances
 */
public record Standardisation(long count, double[] means, double[] variances) {

  public Standardisation {
    means = means.clone();
    variances = variances.clone();
  }

  /** From the summed moments payload {@code [n, Σx_1..d, Σx²_1..d]}. */
  public static Standardisation fromSums(double[] summedMoments) {
    if (summedMoments.length < 3 || summedMoments.length % 2 == 0) {
      throw new IllegalArgumentException("moments payload of " + summedMoments.length
          + " values; need 1 + 2·d with d ≥ 1");
    }
    double n = summedMoments[0];
    if (!(n >= 1) || n != Math.rint(n)) {
      throw new IllegalArgumentException("summed count " + n + "; need a whole number ≥ 1");
    }
    int d = (summedMoments.length - 1) / 2;
    double[] mean = new double[d];
    double[] var = new double[d];
    for (int j = 0; j < d; j++) {
      mean[j] = summedMoments[1 + j] / n;
      var[j] = Math.max(0, summedMoments[1 + d + j] / n - mean[j] * mean[j]);
    }
    return new Standardisation((long) n, mean, var);
  }

  @Override
  public double[] means() {
    return means.clone();
  }

  @Override
  public double[] variances() {
    return variances.clone();
  }

  /** Standard deviations; a constant feature gets 1 so that standardising leaves it centred at 0. */
  public double[] scales() {
    double[] s = new double[variances.length];
    for (int j = 0; j < s.length; j++) {
      s[j] = variances[j] > 0 ? Math.sqrt(variances[j]) : 1.0;
    }
    return s;
  }
}
