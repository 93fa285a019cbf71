package org.fedfhir.fhir.federation;

/**
 * The strategy payloads a site contributes, laid out exactly as the aggregator's
 * {@code strategy.Payloads} reads them (the aggregator module is not on a hospital's classpath; a
 * test checks both agree):
 * <ul>
 *   <li>weighted model: {@code [n·w_1 … n·w_d, n]} (McMahan et al. 2017);</li>
 *   <li>Newton: {@code [s_1 … s_d, I_11, I_12 … I_1d, I_22 … I_dd, n]}.</li>
 * </ul>
 */
final class SitePayloads {
  private SitePayloads() {}

  static double[] weightedModel(double[] w, long n) {
    if (n < 1) {
      throw new IllegalArgumentException("sample count " + n + "; need ≥ 1");
    }
    double[] p = new double[w.length + 1];
    for (int i = 0; i < w.length; i++) {
      p[i] = n * w[i];
    }
    p[w.length] = n;
    return p;
  }

  static double[] newton(double[] score, double[][] information, long n) {
    int d = score.length;
    double[] p = new double[d + d * (d + 1) / 2 + 1];
    System.arraycopy(score, 0, p, 0, d);
    int k = d;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        p[k++] = information[i][j];
      }
    }
    p[k] = n;
    return p;
  }
}
