package org.fedfhir.federation;

/**
 * Feature means and standard deviations, and standardisation with them: a missing value becomes the
 * mean, then {@code z = (x − mean) / sd}. In a federated study they are the network-wide values of
 * the STANDARDISE round ({@link #fromSums}), so that every site scales its features the same way
 * rather than with its own values (which would bias the federated model); a site training alone fits
 * its own ({@link #fit}).
 *
 * <p>An SD that is not a positive finite number (a constant feature) is taken as 1, so that
 * standardising leaves that feature centred at 0.
 *
 * @param means per-feature means
 * @param sds per-feature standard deviations
 */
public record Standardisation(double[] means, double[] sds) {

  public Standardisation {
    if (means.length != sds.length) {
      throw new IllegalArgumentException(means.length + " means and " + sds.length + " SDs; need one of each per feature");
    }
    means = means.clone();
    sds = sds.clone();
    for (int j = 0; j < sds.length; j++) {
      if (!(sds[j] > 0) || !Double.isFinite(sds[j])) {
        sds[j] = 1;
      }
    }
  }

  /** No feature: what a round announces before the STANDARDISE round completed. */
  public static Standardisation none() {
    return new Standardisation(new double[0], new double[0]);
  }

  /**
   * The network-wide means and population SDs from the sites' summed {@link Payloads#moments}, per
   * feature j {@code [n_j, Σx_j, Σx_j²]}: {@code mean = Σx/n}, {@code var = Σx²/n − mean²} (clamped at
   * 0 against rounding; SD 1 where the variance is ≤ 10⁻¹²); a feature no site observed gets mean 0.
   */
  public static Standardisation fromSums(double[] sums) {
    if (sums.length % 3 != 0) {
      throw new IllegalArgumentException("moments of " + sums.length + " values; need 3 per feature");
    }
    int f = sums.length / 3;
    double[] means = new double[f];
    double[] sds = new double[f];
    for (int j = 0; j < f; j++) {
      double n = Math.round(sums[3 * j]);
      double mean = n > 0 ? sums[3 * j + 1] / n : 0;
      double variance = n > 0 ? Math.max(0, sums[3 * j + 2] / n - mean * mean) : 0;
      means[j] = mean;
      sds[j] = variance > 1e-12 ? Math.sqrt(variance) : 1;
    }
    return new Standardisation(means, sds);
  }

  /**
   * Fits on the given rows of {@code x}, ignoring {@code NaN}s: the mean and the sample SD (n − 1;
   * 1 below 10⁻¹² or with fewer than two values); an all-missing column gets mean 0.
   */
  public static Standardisation fit(double[][] x, int[] rows, int columns) {
    double[] mean = new double[columns];
    double[] sd = new double[columns];
    for (int j = 0; j < columns; j++) {
      double sum = 0;
      int n = 0;
      for (int i : rows) {
        if (!Double.isNaN(x[i][j])) {
          sum += x[i][j];
          n++;
        }
      }
      mean[j] = n == 0 ? 0 : sum / n;
      double ss = 0;
      for (int i : rows) {
        if (!Double.isNaN(x[i][j])) {
          ss += (x[i][j] - mean[j]) * (x[i][j] - mean[j]);
        }
      }
      double s = n < 2 ? 0 : Math.sqrt(ss / (n - 1));
      sd[j] = s > 1e-12 ? s : 1;
    }
    return new Standardisation(mean, sd);
  }

  /** Number of features. */
  public int features() {
    return means.length;
  }

  @Override
  public double[] means() {
    return means.clone();
  }

  @Override
  public double[] sds() {
    return sds.clone();
  }

  /** The standardised row: a missing value becomes the mean, i.e. 0. */
  public double[] apply(double[] row) {
    double[] out = new double[row.length];
    for (int j = 0; j < row.length; j++) {
      double v = Double.isNaN(row[j]) ? means[j] : row[j];
      out[j] = (v - means[j]) / sds[j];
    }
    return out;
  }
}
