package org.fedfhir.federation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's figures on a site's test split as they go (masked) into secure aggregation,
 * {@code [tp, fp, tn, fn, Σ log-loss]}: the whole payload of an EVALUATE round and the end of every
 * TRAIN payload (docs/federation.md). Their sum over the sites gives the network-wide accuracy and
 * mean log-loss without any one site's figures.
 *
 * @param truePositives tp at threshold 0.5
 * @param falsePositives fp
 * @param trueNegatives tn
 * @param falseNegatives fn
 * @param logLoss Σ log-loss over the test rows
 */
public record MetricTail(double truePositives, double falsePositives, double trueNegatives,
    double falseNegatives, double logLoss) {

  /** Values in the tail. */
  public static final int LENGTH = 5;

  /** The last {@link #LENGTH} values of a (summed) payload; the counts rounded to whole numbers. */
  public static MetricTail last(double[] payload) {
    if (payload.length < LENGTH) {
      throw new IllegalArgumentException("payload of " + payload.length + " values; need ≥ " + LENGTH
          + " (the metric tail)");
    }
    int t = payload.length - LENGTH;
    return new MetricTail(Math.round(payload[t]), Math.round(payload[t + 1]), Math.round(payload[t + 2]),
        Math.round(payload[t + 3]), payload[t + 4]);
  }

  /** {@code [tp, fp, tn, fn, Σ log-loss]}, as a site contributes it. */
  public double[] toArray() {
    return new double[] {truePositives, falsePositives, trueNegatives, falseNegatives, logLoss};
  }

  /** Test rows counted. */
  public double count() {
    return truePositives + falsePositives + trueNegatives + falseNegatives;
  }

  /**
   * The network metrics {@code accuracy}, {@code log-loss} (mean) and {@code test-count}; none if no
   * test row was counted.
   */
  public Map<String, Double> networkMetrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    double n = count();
    if (n > 0) {
      m.put("accuracy", (truePositives + trueNegatives) / n);
      m.put("log-loss", logLoss / n);
      m.put("test-count", n);
    }
    return m;
  }
}
