package org.fedfhir.cli.demo;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code ./fedfhir demo} reports: the centres, each strategy's results (local only and the
 * federated ones), the pooled reference the demo computed itself, FLamby's published figures and
 * where the time went. Plain values; {@link ReportWriter} renders them.
 *
 * @param pooledPerCentre pooled logistic regression (reference only) on each centre's test split
 * @param flamby FLamby's published per-centre accuracies by method (reference only)
 * @param phases wall-clock seconds per phase, in order
 * @param settings how the demo ran (isolation, rounds, ports …), for the record
 * @param inference {@code $infer} after training ({@link InferenceDriver}): per centre the patient ids and
 *     risks, the model digest and the TEE measurement; empty when not run
 * @param statistics the released secure statistics ({@link StatisticsDriver}); empty when not run
 */
public record DemoReport(Instant startedAt, List<String> centres, List<StrategyResult> strategies,
    Map<String, Double> pooledPerCentre, FlambyResults flamby, Map<String, Double> phases,
    Map<String, Object> settings, Map<String, Object> inference, Map<String, Object> statistics) {

  /** A report without inference or statistics. */
  public DemoReport(Instant startedAt, List<String> centres, List<StrategyResult> strategies,
      Map<String, Double> pooledPerCentre, FlambyResults flamby, Map<String, Double> phases,
      Map<String, Object> settings) {
    this(startedAt, centres, strategies, pooledPerCentre, flamby, phases, settings, Map.of(), Map.of());
  }

  public DemoReport {
    centres = List.copyOf(centres);
    strategies = List.copyOf(strategies);
    pooledPerCentre = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pooledPerCentre));
    phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    inference = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inference == null ? Map.of() : inference));
    statistics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(statistics == null ? Map.of() : statistics));
  }

  public double pooledMeanTestAccuracy() {
    return StrategyResult.mean(pooledPerCentre, centres);
  }

  public double totalSeconds() {
    return phases.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** The federated strategies that completed, best mean first. */
  public List<StrategyResult> federatedCompleted() {
    return strategies.stream()
        .filter(s -> s.secureAggregation() && s.outcome() == StrategyResult.Outcome.COMPLETED)
        .sorted((a, b) -> Double.compare(b.meanTestAccuracy(centres), a.meanTestAccuracy(centres)))
        .toList();
  }
}
