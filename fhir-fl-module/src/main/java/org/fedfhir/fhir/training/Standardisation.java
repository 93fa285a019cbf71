package org.fedfhir.fhir.training;

/**
 * Mean imputation and standardisation fitted on training rows: a missing value becomes the
 * column mean, then {@code (x − mean) / sd} (sd 0 → 1). In federated training the means and sds
 * are the global ones.
 */
public record Standardisation(double[] means, double[] sds) {

  /** Fits on the given rows of {@code x}, ignoring {@code NaN}s (an all-missing column gets mean 0). */
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

  public double[] apply(double[] row) {
    double[] out = new double[row.length];
    for (int j = 0; j < row.length; j++) {
      double v = Double.isNaN(row[j]) ? means[j] : row[j];
      out[j] = (v - means[j]) / sds[j];
    }
    return out;
  }
}
