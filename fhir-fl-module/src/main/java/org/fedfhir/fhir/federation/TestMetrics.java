package org.fedfhir.fhir.federation;

import org.fedfhir.federation.MetricTail;
import org.fedfhir.federation.ModelLayout;
import org.fedfhir.fhir.training.Metrics;

/**
 * A model's figures on a site's test split: the metric tail that goes (masked) into secure
 * aggregation, and the local accuracy, AUC and Brier score that stay on the site's own Task.
 */
final class TestMetrics {
  /** Probabilities are kept in [ε, 1 − ε] for the log-loss. */
  static final double EPSILON = 1e-15;

  private TestMetrics() {}

  static double[] probabilities(ModelLayout layout, double[] model, StandardisedRows rows) {
    double[] p = new double[rows.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = layout.probability(model, rows.z[i]);
    }
    return p;
  }

  /**
   * {@code [tp, fp, tn, fn, Σ log-loss]} at threshold 0.5 (positive when p &gt; 0.5, so that an
   * all-zero model predicts the first label as Tribuo's argmax does).
   */
  static double[] tail(double[] p, int[] y) {
    double tp = 0;
    double fp = 0;
    double tn = 0;
    double fn = 0;
    double logLoss = 0;
    for (int i = 0; i < p.length; i++) {
      boolean positive = p[i] > 0.5;
      if (y[i] == 1) {
        if (positive) {
          tp++;
        } else {
          fn++;
        }
      } else if (positive) {
        fp++;
      } else {
        tn++;
      }
      double q = Math.min(1 - EPSILON, Math.max(EPSILON, p[i]));
      logLoss -= y[i] == 1 ? Math.log(q) : Math.log(1 - q);
    }
    return new MetricTail(tp, fp, tn, fn, logLoss).toArray();
  }

  /** Accuracy at 0.5, AUC (Mann–Whitney, ties ½; NaN with one class) and Brier score. */
  static Metrics local(double[] p, int[] y, int trainCount) {
    if (p.length == 0) {
      return new Metrics(Double.NaN, Double.NaN, Double.NaN, trainCount, 0);
    }
    double[] tail = tail(p, y);
    double brier = 0;
    for (int i = 0; i < p.length; i++) {
      brier += (p[i] - y[i]) * (p[i] - y[i]);
    }
    return new Metrics((tail[0] + tail[2]) / p.length, auc(p, y), brier / p.length, trainCount, p.length);
  }

  static double auc(double[] score, int[] truth) {
    long pos = 0;
    long neg = 0;
    double wins = 0;
    for (int i = 0; i < score.length; i++) {
      if (truth[i] == 1) {
        pos++;
        for (int j = 0; j < score.length; j++) {
          if (truth[j] == 0) {
            wins += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
          }
        }
      } else {
        neg++;
      }
    }
    return pos == 0 || neg == 0 ? Double.NaN : wins / ((double) pos * neg);
  }
}
