package org.fedfhir.aggregator.strategy;

/**
 * Solves {@code A·x = b} for a symmetric positive-definite {@code A} by the Cholesky factorisation
 * {@code A = L·Lᵀ} (then forward and back substitution). Small and dense: the systems here are the
 * d×d information matrices of federated Newton, d = number of model weights.
 */
final class Cholesky {

  private Cholesky() {}

  /**
   * @param a symmetric positive-definite matrix (only the lower triangle is read)
   * @param b right-hand side
   * @return x with A·x = b
   * @throws IllegalArgumentException if A is not positive definite (e.g. collinear or constant
   *     features without L2 regularisation)
   */
  static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    if (a.length != n) {
      throw new IllegalArgumentException("matrix of " + a.length + " rows for " + n + " unknowns");
    }
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0) || !Double.isFinite(s)) {
            throw new IllegalArgumentException("matrix is not positive definite (pivot " + i + " is "
                + s + "): a feature may be constant or collinear with others; use l2 > 0");
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= l[i][k] * y[k];
      }
      y[i] = s / l[i][i];
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < n; k++) {
        s -= l[k][i] * x[k];
      }
      x[i] = s / l[i][i];
    }
    return x;
  }
}
