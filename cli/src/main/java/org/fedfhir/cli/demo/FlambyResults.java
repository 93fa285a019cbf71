package org.fedfhir.cli.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedfhir.federation.Strategy;

/**
 * FLamby's published Fed-Heart-Disease accuracies (NeurIPS 2022; owkin/FLamby, MIT), read from the
 * result CSVs shipped in {@code /flamby/fed_heart_disease/} (attribution in {@code /flamby/SOURCE.md}).
 * Aggregated as FLamby's own plot does: per method and client test set, the mean over the seeds;
 * overall, the mean over the four clients. Reference only: never mixed with the demo's figures.
 */
public final class FlambyResults {
  /** FLamby's client index → the demo's centre code. */
  public static final List<String> CENTRES = List.of("cleveland", "hungarian", "switzerland", "va");
  /** The seeds of FLamby's published runs. */
  public static final List<Integer> SEEDS = List.of(42, 43, 44, 45, 46);

  private final Map<String, double[]> perMethod; // method → mean accuracy on client_test_0..3

  FlambyResults(Map<String, double[]> perMethod) {
    this.perMethod = perMethod;
  }

  /** Reads the shipped seed files. */
  public static FlambyResults load() {
    Map<String, List<double[]>> sums = new LinkedHashMap<>();
    for (int seed : SEEDS) {
      accumulate(seed, sums);
    }
    return fromSums(sums);
  }

  /** Reads one seed's file (FLamby's seeds are 42 … 46): that run's accuracies alone. */
  public static FlambyResults loadSeed(int seed) {
    if (!SEEDS.contains(seed)) {
      throw new IllegalArgumentException("FLamby published no Fed-Heart-Disease run with seed " + seed + "; it has "
          + SEEDS);
    }
    Map<String, List<double[]>> sums = new LinkedHashMap<>();
    accumulate(seed, sums);
    return fromSums(sums);
  }

  private static void accumulate(int seed, Map<String, List<double[]>> sums) {
    String resource = "/flamby/fed_heart_disease/heart_seed" + seed + ".csv";
    try (InputStream in = FlambyResults.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      accumulate(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), sums);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses one seed file (columns by header) into {@code sums}: method → per client [sum, count]. */
  static void accumulate(BufferedReader reader, Map<String, List<double[]>> sums) throws IOException {
    String header = reader.readLine();
    if (header == null) {
      throw new IllegalArgumentException("empty FLamby result file");
    }
    List<String> columns = Arrays.asList(header.split(",", -1));
    int method = require(columns, "Method");
    int test = require(columns, "Test");
    int metric = require(columns, "Metric");
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      String[] cells = splitCsv(line);
      String t = cells[test];
      if (!t.startsWith("client_test_")) {
        continue; // "Pooled Test" rows are not part of FLamby's figure
      }
      int client = Integer.parseInt(t.substring("client_test_".length()));
      List<double[]> acc = sums.computeIfAbsent(cells[method], m -> {
        List<double[]> l = new ArrayList<>();
        for (int i = 0; i < CENTRES.size(); i++) {
          l.add(new double[2]);
        }
        return l;
      });
      acc.get(client)[0] += Double.parseDouble(cells[metric]);
      acc.get(client)[1]++;
    }
  }

  static FlambyResults fromSums(Map<String, List<double[]>> sums) {
    Map<String, double[]> means = new LinkedHashMap<>();
    sums.forEach((m, l) -> {
      double[] v = new double[CENTRES.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = l.get(i)[1] == 0 ? Double.NaN : l.get(i)[0] / l.get(i)[1];
      }
      means.put(m, v);
    });
    return new FlambyResults(means);
  }

  private static int require(List<String> columns, String name) {
    int i = columns.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("FLamby result file has no column " + name + ": " + columns);
    }
    return i;
  }

  /** Splits a CSV line; FLamby's cells hold no quoted commas except {@code <class '…'>}, which has none. */
  private static String[] splitCsv(String line) {
    return line.split(",", -1);
  }

  /** The methods in the files ("Pooled Training", "FedAvg100", "Local 0", …). */
  public List<String> methods() {
    return List.copyOf(perMethod.keySet());
  }

  /** Per centre (demo codes) mean accuracy of a method; empty if FLamby has no such method. */
  public Map<String, Double> perCentre(String method) {
    double[] v = perMethod.get(method);
    Map<String, Double> out = new LinkedHashMap<>();
    if (v != null) {
      for (int i = 0; i < v.length; i++) {
        out.put(CENTRES.get(i), v[i]);
      }
    }
    return out;
  }

  /** Mean over the four centres, as in FLamby's figure; NaN if unknown. */
  public double mean(String method) {
    double[] v = perMethod.get(method);
    return v == null ? Double.NaN : Arrays.stream(v).average().orElse(Double.NaN);
  }

  /** Local-only per centre: FLamby's "Local i" model on its own client's test set. */
  public Map<String, Double> localOnlyPerCentre() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < CENTRES.size(); i++) {
      double[] v = perMethod.get("Local " + i);
      out.put(CENTRES.get(i), v == null ? Double.NaN : v[i]);
    }
    return out;
  }

  /** FLamby's method name for a demo strategy code, or null when FLamby did not run it. */
  public static String methodFor(String strategy) {
    if (strategy.equals("pooled")) {
      return "Pooled Training";
    }
    if (!Strategy.isCode(strategy)) {
      return null;
    }
    return switch (Strategy.fromCode(strategy)) {
      case FEDAVG -> "FedAvg100";
      case FEDPROX -> "FedProx100";
      case FEDADAM -> "FedAdam100";
      case FEDADAGRAD -> "FedAdagrad100";
      case FEDYOGI -> "FedYogi100";
      case NEWTON -> null;
    };
  }
}
