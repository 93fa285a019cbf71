package org.fedfhir.fhir.federation;

import org.fedfhir.federation.ModelLayout;

/**
 * A site's part of one Newton–Raphson step for logistic regression: the score (gradient of the
 * log-likelihood) {@code s = Σ x̃ᵢ (yᵢ − pᵢ)} and the information {@code I = Σ pᵢ(1 − pᵢ) x̃ᵢ x̃ᵢᵀ} at
 * the global β, where {@code x̃ = [z, 1]} (intercept last) and {@code pᵢ = σ(β·x̃ᵢ)}. Both are sums
 * over patients, so their secure sum over sites is the pooled score and information, and the
 * aggregator's step ({@code FederatedNewton}) is the pooled Newton/IRLS step.
 *
 * <p>The L2 penalty is not added here: the aggregator adds {@code λ} once to the summed
 * information (and {@code −λβ} to the score), as a pooled fit would; a site adding it too would
 * count it once per site.
 */
record LogisticInformation(double[] score, double[][] information) {

  static LogisticInformation at(double[] beta, double[][] z, int[] y) {
    int d = beta.length;
    double[] s = new double[d];
    double[][] info = new double[d][d];
    double[] x = new double[d];
    for (int i = 0; i < z.length; i++) {
      System.arraycopy(z[i], 0, x, 0, d - 1);
      x[d - 1] = 1;
      double p = ModelLayout.LOGISTIC.probability(beta, z[i]);
      double r = y[i] - p;
      double w = p * (1 - p);
      for (int a = 0; a < d; a++) {
        s[a] += x[a] * r;
        for (int b = a; b < d; b++) {
          info[a][b] += w * x[a] * x[b];
        }
      }
    }
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < a; b++) {
        info[a][b] = info[b][a];
      }
    }
    return new LogisticInformation(s, info);
  }
}
