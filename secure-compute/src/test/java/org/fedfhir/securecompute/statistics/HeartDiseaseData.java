package org.fedfhir.securecompute.statistics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw UCI Heart Disease files of the four centres (CC BY 4.0, see
 * fhir-fl-module/src/main/resources/heart-disease/SOURCE.md), read directly so that the pooled
 * reference does not depend on any FedFHIR code: {@code ?} and cholesterol 0 are missing (NaN).
 */
final class HeartDiseaseData {

  static final List<String> COLUMNS = List.of("age", "sex", "cp", "trestbps", "chol", "fbs", "restecg",
      "thalach", "exang", "oldpeak", "slope", "ca", "thal", "num");
  private static final Path DIR = Path.of("..", "fhir-fl-module", "src", "main", "resources", "heart-disease");
  static final List<String> CENTRES = List.of("cleveland", "hungarian", "switzerland", "va");

  private HeartDiseaseData() {
  }

  /** Per centre, in {@link #CENTRES} order, its rows. */
  static Map<String, List<double[]>> centres() {
    Map<String, List<double[]>> all = new LinkedHashMap<>();
    for (String centre : CENTRES) {
      all.put(centre, read(DIR.resolve("processed." + centre + ".data")));
    }
    return all;
  }

  static List<double[]> pooled(Map<String, List<double[]>> centres) {
    List<double[]> rows = new ArrayList<>();
    centres.values().forEach(rows::addAll);
    return rows;
  }

  static double get(double[] row, String column) {
    return row[COLUMNS.indexOf(column)];
  }

  /** "0" / "1" for a present value, null for a missing one. */
  static String category(double[] row, String column) {
    double v = get(row, column);
    return Double.isNaN(v) ? null : Long.toString(Math.round(v));
  }

  /** The diagnosis: "1" if num &gt; 0. */
  static String diagnosis(double[] row) {
    return get(row, "num") > 0 ? "1" : "0";
  }

  private static List<double[]> read(Path file) {
    try {
      List<double[]> rows = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.trim().split(",");
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
          v[i] = "?".equals(parts[i].trim()) ? Double.NaN : Double.parseDouble(parts[i].trim());
        }
        int chol = COLUMNS.indexOf("chol");
        if (v[chol] == 0) {
          v[chol] = Double.NaN;
        }
        rows.add(v);
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
