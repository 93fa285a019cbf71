package org.fedfhir.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fedfhir.cli.demo.FlambyResults;

/**
 * One of FLamby's published Fed-Heart-Disease figures, per seed, to print beside FedFHIR's: the mean
 * accuracy over the four client test sets of one run, as FLamby's plot and its DP example compute it.
 * Two sources ship in {@code /flamby/fed_heart_disease/} (attribution in {@code /flamby/SOURCE.md}):
 * the benchmark's {@code heart_seed42…46.csv} ({@link FlambyResults}) and the DP example's
 * {@code results_fed_heart_disease_dp.csv} (FedAvg with DP-SGD; {@code perf}, target {@code e} and
 * {@code d}, {@code seed}; empty {@code e} and {@code d} for the run without DP).
 *
 * @param label what FLamby ran, as the table shows it
 * @param perSeed that figure for each published seed
 */
record FlambyPublished(String label, List<Double> perSeed) {

  static final String DP_RESOURCE = "/flamby/fed_heart_disease/results_fed_heart_disease_dp.csv";

  /** A method of FLamby's benchmark ({@code FedAvg100}, {@code FedAdagrad100}, {@code Pooled Training} …). */
  static FlambyPublished benchmark(String method) {
    List<Double> perSeed = new ArrayList<>();
    for (int seed : FlambyResults.SEEDS) {
      double v = FlambyResults.loadSeed(seed).mean(method);
      if (Double.isNaN(v)) {
        throw new IllegalArgumentException("FLamby's benchmark has no method '" + method + "'");
      }
      perSeed.add(v);
    }
    return new FlambyPublished(method + " (benchmark)", perSeed);
  }

  /** FLamby's DP example: FedAvg at target ε and δ, or without DP when {@code epsilon} is null. */
  static FlambyPublished dp(Double epsilon, double delta) {
    try (InputStream in = FlambyPublished.class.getResourceAsStream(DP_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DP_RESOURCE);
      }
      List<Double> perSeed = dpRuns(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), epsilon,
          delta);
      if (perSeed.isEmpty()) {
        throw new IllegalArgumentException("FLamby's DP example has no run at ε = " + epsilon + ", δ = " + delta);
      }
      return new FlambyPublished(epsilon == null ? "FedAvg, DP example without DP"
          : "FedAvg + DP-SGD (DP example)", perSeed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code perf} of every run at ({@code epsilon}, {@code delta}), or of the runs without DP. */
  static List<Double> dpRuns(BufferedReader reader, Double epsilon, double delta) throws IOException {
    String header = reader.readLine();
    List<String> columns = header == null ? List.of() : Arrays.asList(header.split(",", -1));
    int perf = columns.indexOf("perf");
    int e = columns.indexOf("e");
    int d = columns.indexOf("d");
    if (perf < 0 || e < 0 || d < 0) {
      throw new IllegalArgumentException("FLamby's DP results need columns perf, e, d; found " + columns);
    }
    List<Double> out = new ArrayList<>();
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      boolean noDp = cells[e].isEmpty();
      boolean match = epsilon == null ? noDp
          : !noDp && Double.parseDouble(cells[e]) == epsilon && Double.parseDouble(cells[d]) == delta;
      if (match) {
        out.add(Double.parseDouble(cells[perf]));
      }
    }
    return out;
  }

  double mean() {
    return BenchJson.mean(perSeed);
  }

  double sd() {
    return BenchJson.sd(perSeed);
  }
}
