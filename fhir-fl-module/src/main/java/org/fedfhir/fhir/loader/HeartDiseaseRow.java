package org.fedfhir.fhir.loader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of a processed UCI file: the 14 attributes in file order (age, sex, cp, trestbps, chol,
 * fbs, restecg, thalach, exang, oldpeak, slope, ca, thal, num), {@code NaN} where the file has
 * {@code ?}, and cholesterol 0 read as missing.
 *
 * @param line 1-based line number in the file
 */
public record HeartDiseaseRow(int line, double[] values) {
  public static final List<String> COLUMNS = List.of("age", "sex", "cp", "trestbps", "chol", "fbs", "restecg",
      "thalach", "exang", "oldpeak", "slope", "ca", "thal", "num");

  public double get(String column) {
    return values[COLUMNS.indexOf(column)];
  }

  /** 1 if {@code num > 0} (disease), else 0. */
  public int label() {
    return get("num") > 0 ? 1 : 0;
  }

  public static List<HeartDiseaseRow> read(HeartDiseaseCentre centre) {
    try (InputStream in = HeartDiseaseRow.class.getResourceAsStream(centre.resource())) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + centre.resource());
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<HeartDiseaseRow> parse(BufferedReader reader) throws IOException {
    List<HeartDiseaseRow> rows = new ArrayList<>();
    String s;
    int line = 0;
    while ((s = reader.readLine()) != null) {
      line++;
      if (s.isBlank()) {
        continue;
      }
      String[] parts = s.trim().split(",");
      if (parts.length != COLUMNS.size()) {
        throw new IllegalArgumentException("line " + line + ": " + parts.length + " columns, expected 14");
      }
      double[] v = new double[parts.length];
      for (int i = 0; i < parts.length; i++) {
        v[i] = "?".equals(parts[i].trim()) ? Double.NaN : Double.parseDouble(parts[i].trim());
      }
      int chol = COLUMNS.indexOf("chol");
      if (v[chol] == 0) {
        v[chol] = Double.NaN;
      }
      rows.add(new HeartDiseaseRow(line, v));
    }
    return rows;
  }
}
