package org.fedfhir.tee.cleanroom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The four UCI heart-disease centres' processed rows (shipped with fhir-fl-module), as the clean
 * room pools them: one table per centre of (age, chol, thalach, oldpeak, label), named as the
 * heart-disease study names them, {@code ?} and cholesterol 0 read as missing, label = num &gt; 0 (diagnosis).
 */
public final class UciHeartRows {

  public static final List<String> CENTRES = List.of("cleveland", "hungarian", "switzerland", "va");
  static final List<String> COLUMNS = List.of("age", "chol", "thalach", "oldpeak", "label");
  private static final int[] SOURCE = {0, 4, 7, 9, 13};

  private UciHeartRows() {}

  /** One centre's rows in file order. */
  public static RowTable centre(String centre) {
    Path file = Path.of("..", "fhir-fl-module", "src", "main", "resources", "heart-disease", "processed." + centre + ".data");
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("the UCI rows are read from fhir-fl-module's resources", e);
    }
    List<Double> values = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.trim().split(",");
      for (int k = 0; k < SOURCE.length; k++) {
        String raw = parts[SOURCE[k]].trim();
        double v = raw.equals("?") ? Double.NaN : Double.parseDouble(raw);
        if (k == 1 && v == 0) {
          v = Double.NaN;
        }
        if (k == 4) {
          v = v > 0 ? 1 : 0;
        }
        values.add(v);
      }
    }
    return new RowTable(COLUMNS, values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Every centre's rows. */
  public static List<RowTable> all() {
    return CENTRES.stream().map(UciHeartRows::centre).toList();
  }

  /** The centres' rows stacked with a {@code site} column (the centre's index), as the enclave pools them. */
  public static RowTable pooled(List<RowTable> sites) {
    java.util.Map<String, RowTable> bySite = new java.util.LinkedHashMap<>();
    for (int s = 0; s < sites.size(); s++) {
      bySite.put("site-" + s, sites.get(s));
    }
    return CleanRoom.pool(bySite);
  }

  /** A centre's rows as the median study asks for them: chol, then label. */
  public static RowTable cholAndLabel(RowTable centre) {
    int chol = centre.columns().indexOf("chol");
    int label = centre.columns().indexOf("label");
    double[] values = new double[centre.rows() * 2];
    for (int i = 0; i < centre.rows(); i++) {
      values[2 * i] = centre.value(i, chol);
      values[2 * i + 1] = centre.value(i, label);
    }
    return new RowTable(List.of("chol", "label"), values);
  }
}
