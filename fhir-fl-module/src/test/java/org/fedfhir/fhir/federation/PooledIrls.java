package org.fedfhir.fhir.federation;

/** Reference logistic regression on pooled rows by Newton/IRLS (intercept last), with its own Gaussian elimination. */
final class PooledIrls {
  private PooledIrls() {}

  static double[] fit(double[][] z, int[] y, int iterations) {
    int d = z[0].length + 1;
    double[] beta = new double[d];
    for (int it = 0; it < iterations; it++) {
      LogisticInformation li = LogisticInformation.at(beta, z, y);
      double[] step = solve(li.information(), li.score());
      double norm = 0;
      for (int j = 0; j < d; j++) {
        beta[j] += step[j];
        norm = Math.max(norm, Math.abs(step[j]));
      }
      if (norm < 1e-13) {
        break;
      }
    }
    return beta;
  }

  static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][n + 1];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n] = b[i];
    }
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
          p = r;
        }
      }
      double[] t = m[c];
      m[c] = m[p];
      m[p] = t;
      for (int r = c + 1; r < n; r++) {
        double f = m[r][c] / m[c][c];
        for (int k = c; k <= n; k++) {
          m[r][k] -= f * m[c][k];
        }
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = m[r][n];
      for (int k = r + 1; k < n; k++) {
        s -= m[r][k] * x[k];
      }
      x[r] = s / m[r][r];
    }
    return x;
  }
}
