package org.fedfhir.federation;

/**
 * How a site lays out the vector it contributes to secure aggregation (docs/federation.md). The
 * sites build these and the aggregator's strategies read their sum, from this one class; the
 * aggregator only ever sees the sum.
 *
 * <ul>
 *   <li>weighted model (FedAvg, FedProx, server optimisers): {@code [n·w_1, …, n·w_d, n]}, where
 *       {@code n} is the site's training-sample count (McMahan et al. 2017);</li>
 *   <li>Newton (logistic regression): {@code [s_1 … s_d, H_11, H_12 … H_1d, H_22 … H_dd, n]}: the
 *       score Σ x(y − p), the upper triangle of Σ p(1 − p) x xᵀ row by row, and n;</li>
 *   <li>moments (the STANDARDISE round): per feature j {@code [n_j, Σx_j, Σx_j²]} over the observed
 *       values, read back by {@link Standardisation#fromSums}.</li>
 * </ul>
 * A TRAIN payload is the update followed by the {@link MetricTail} ({@link Strategy#payloadLength}).
 */
public final class Payloads {

  private Payloads() {}

  /** {@code [n·w, n]}: a site's locally trained weights scaled by its sample count. */
  public static double[] weightedModel(double[] weights, long sampleCount) {
    if (sampleCount < 1) {
      throw new IllegalArgumentException("sample count " + sampleCount + "; need ≥ 1");
    }
    double[] p = new double[weights.length + 1];
    for (int i = 0; i < weights.length; i++) {
      p[i] = sampleCount * weights[i];
    }
    p[weights.length] = sampleCount;
    return p;
  }

  /** Number of entries in the upper triangle (with diagonal) of a d×d matrix. */
  public static int upperTriangleLength(int d) {
    return d * (d + 1) / 2;
  }

  /** The Newton payload from a site's score vector and (symmetric) information matrix. */
  public static double[] newton(double[] score, double[][] information, long sampleCount) {
    int d = score.length;
    if (information.length != d) {
      throw new IllegalArgumentException("information matrix has " + information.length
          + " rows; need " + d + " (the score's length)");
    }
    double[] p = new double[d + upperTriangleLength(d) + 1];
    System.arraycopy(score, 0, p, 0, d);
    int k = d;
    for (int i = 0; i < d; i++) {
      if (information[i].length != d) {
        throw new IllegalArgumentException("information row " + i + " has " + information[i].length
            + " columns; need " + d);
      }
      for (int j = i; j < d; j++) {
        p[k++] = information[i][j];
      }
    }
    p[k] = sampleCount;
    return p;
  }

  /**
   * The moments payload, per feature j {@code [n_j, Σx_j, Σx_j²]}, of a site's rows (each row one
   * patient); a missing value ({@code NaN}) is not counted.
   */
  public static double[] moments(Iterable<double[]> rows, int features) {
    double[] m = new double[3 * features];
    for (double[] x : rows) {
      if (x.length != features) {
        throw new IllegalArgumentException("row of " + x.length + " values; need " + features);
      }
      for (int j = 0; j < features; j++) {
        if (!Double.isNaN(x[j])) {
          m[3 * j] += 1;
          m[3 * j + 1] += x[j];
          m[3 * j + 2] += x[j] * x[j];
        }
      }
    }
    return m;
  }
}
