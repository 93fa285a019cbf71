package org.fedfhir.cli.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one way of training gave: test accuracy per centre (each site's own test split) and, for a
 * federated strategy, the network accuracy the sites' Tasks showed per round.
 *
 * @param name shown name ("local only", "FedAvg", …)
 * @param code the study's {@code strategy} code, or {@code local}
 * @param secureAggregation whether updates left the sites only masked (true for federated ones)
 * @param outcome whether it ran
 * @param reason why it did not run or failed (null when completed)
 * @param perCentre centre code → test accuracy, only for centres that reported one
 * @param curve network accuracy per round, as observed on the Tasks
 */
public record StrategyResult(String name, String code, boolean secureAggregation, Outcome outcome, String reason,
    Map<String, Double> perCentre, List<RoundPoint> curve) {

  /** Whether a strategy ran. */
  public enum Outcome {
    COMPLETED, FAILED, NOT_RUN;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** The network-wide accuracy after {@code round}, NaN when the Task did not show one. */
  public record RoundPoint(int round, double networkAccuracy) {}

  public StrategyResult {
    perCentre = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(perCentre));
    curve = List.copyOf(curve);
  }

  public static StrategyResult notRun(String name, String code, boolean secureAggregation, String reason) {
    return new StrategyResult(name, code, secureAggregation, Outcome.NOT_RUN, reason, Map.of(), List.of());
  }

  /**
   * Mean test accuracy over {@code centres} (FLamby's figure: the mean of the per-centre accuracies);
   * NaN unless every centre reported one.
   */
  public double meanTestAccuracy(List<String> centres) {
    return mean(perCentre, centres);
  }

  static double mean(Map<String, Double> perCentre, List<String> centres) {
    double sum = 0;
    for (String c : centres) {
      Double v = perCentre.get(c);
      if (v == null || v.isNaN()) {
        return Double.NaN;
      }
      sum += v;
    }
    return centres.isEmpty() ? Double.NaN : sum / centres.size();
  }
}
