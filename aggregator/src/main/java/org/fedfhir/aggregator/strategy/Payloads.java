package org.fedfhir.aggregator.strategy;

/**
 * How a site lays out the vector it contributes to secure aggregation for each strategy. Sites and
 * strategies share these layouts; the aggregator only ever sees their sum.
 *
 * <ul>
 *   <li>weighted model (FedAvg, FedProx, server optimisers): {@code [n·w_1, …, n·w_d, n]}, where
 *       {@code n} is the site's training-sample count (McMahan et al. 2017);</li>
 *   <li>Newton (logistic regression): {@code [s_1 … s_d, H_11, H_12 … H_1d, H_22 … H_dd, n]}: the
 *       score Σ x(y − p), the upper triangle of Σ p(1 − p) x xᵀ row by row, and n;</li>
 *   <li>moments (standardisation): {@code [n, Σx_1 … Σx_d, Σx_1² … Σx_d²]}.</li>
 * </ul>
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

  /** The moments payload {@code [n, Σx, Σx²]} of a site's rows (each row one patient). */
  public static double[] moments(double[][] rows, int dimension) {
    double[] p = new double[1 + 2 * dimension];
    for (double[] row : rows) {
      if (row.length != dimension) {
        throw new IllegalArgumentException("row of " + row.length + " values; need " + dimension);
      }
      p[0] += 1;
      for (int j = 0; j < dimension; j++) {
        p[1 + j] += row[j];
        p[1 + dimension + j] += row[j] * row[j];
      }
    }
    return p;
  }
}
