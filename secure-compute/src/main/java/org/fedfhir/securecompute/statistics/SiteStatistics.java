package org.fedfhir.securecompute.statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Site-local: a study's declared statistics computed on the site's own rows, as the vectors that
 * the site then sends only through secure aggregation. The rows are the study's extracted feature
 * matrix: one value per declared feature (NaN where missing) and the label (0/1), which statistics
 * name {@value #LABEL}. A categorical value is the category {@code Math.round(value)} as a decimal
 * string ({@code "0"}, {@code "1"}, …); a missing one is left out of the statistic.
 *
 * <p>Nothing here logs or keeps the rows or the vectors.
 */
public final class SiteStatistics {

  /** The variable name of the study's label (its output Condition: 1 present, 0 absent). */
  public static final String LABEL = "label";

  /**
   * The site's rows.
   *
   * @param names the feature names, in the matrix's column order
   * @param values {@code values[i][j]}: feature j of row i, NaN if missing
   * @param labels the label of each row, 0 or 1
   */
  public record Rows(List<String> names, double[][] values, int[] labels) {
    /** Checks the shapes. */
    public Rows {
      names = List.copyOf(names);
      if (values.length != labels.length) {
        throw new IllegalArgumentException(values.length + " rows but " + labels.length + " labels");
      }
    }

    /** @return the number of rows */
    public int size() {
      return values.length;
    }

    double value(int row, String variable) {
      if (LABEL.equals(variable)) {
        return labels[row];
      }
      int j = names.indexOf(variable);
      if (j < 0) {
        throw new IllegalArgumentException("the study has no feature '" + variable + "' (features: " + names
            + ", or '" + LABEL + "')");
      }
      return values[row][j];
    }
  }

  private final List<StatisticDeclaration> declarations;
  private final int maxRecordsPerSite;

  /**
   * @param declarations the study's statistics, in order
   * @param maxRecordsPerSite the study's {@code max-records-per-site}: a site with more rows refuses
   */
  public SiteStatistics(List<StatisticDeclaration> declarations, int maxRecordsPerSite) {
    this.declarations = List.copyOf(declarations);
    this.maxRecordsPerSite = maxRecordsPerSite;
  }

  /** @return the study's statistics, in order */
  public List<StatisticDeclaration> declarations() {
    return declarations;
  }

  /**
   * @return the length of the statistics' slices, the same at every site (a first-round vector
   *     also carries one contributor flag per statistic: {@link SiteDisclosure})
   */
  public int length() {
    return declarations.stream().mapToInt(d -> d.statistic().length()).sum();
  }

  /**
   * The concatenated vectors of all declared statistics on {@code rows}.
   *
   * @throws IllegalArgumentException if the site has more rows than {@code max-records-per-site}
   *     (the encoding could not hold its sums), a statistic names an unknown variable, or a
   *     statistic needs data the rows do not hold (Kaplan–Meier needs index and event dates)
   */
  public double[] encode(Rows rows) {
    List<double[]> parts = parts(rows);
    int length = parts.stream().mapToInt(p -> p.length).sum();
    double[] all = new double[length];
    int offset = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, all, offset, p.length);
      offset += p.length;
    }
    return all;
  }

  /**
   * Each declared statistic's vector on {@code rows}, in declared order: what {@link SiteDisclosure}
   * checks before the site's first-round vector is masked.
   *
   * @throws IllegalArgumentException as {@link #encode}
   */
  public List<double[]> parts(Rows rows) {
    return parts(rows, Map.of());
  }

  /**
   * As {@link #parts(Rows)}, with the vectors of the statistics not computed from the rows (a
   * {@code kaplan-meier} statistic's, from the patients' follow-up) given by name.
   */
  public List<double[]> parts(Rows rows, Map<String, double[]> given) {
    Objects.requireNonNull(rows, "rows");
    if (rows.size() > maxRecordsPerSite) {
      throw new IllegalArgumentException("this site has " + rows.size() + " records; the study allows at most "
          + maxRecordsPerSite + " per site (max-records-per-site), so its sums could not be encoded safely");
    }
    List<double[]> parts = new ArrayList<>();
    for (StatisticDeclaration d : declarations) {
      double[] part = given.get(d.name());
      parts.add(part != null ? part : encode(d, rows));
    }
    return parts;
  }

  /** @return the length of a later round's vector: the logistic regressions' parts, in order */
  public int iterationLength() {
    return declarations.stream().filter(StatisticDeclaration::iterative).mapToInt(d -> d.statistic().length()).sum();
  }

  /** @return the total number of coefficients of the logistic regressions, in order */
  public int iterationCoefficients() {
    return regressions().mapToInt(d -> d.logisticRegression().dimension()).sum();
  }

  /**
   * A later round of a run (phase {@code STATISTICS_ITERATION}): each logistic regression's
   * Newton part at the coefficients the aggregator announced, concatenated in declared order.
   *
   * @param coefficients each regression's β, concatenated in declared order
   * @throws IllegalArgumentException if {@code coefficients} has the wrong length or is not finite
   */
  public double[] encodeIteration(Rows rows, double[] coefficients) {
    Objects.requireNonNull(rows, "rows");
    if (coefficients.length != iterationCoefficients()) {
      throw new IllegalArgumentException("the aggregator announced " + coefficients.length
          + " coefficients; the study's regressions have " + iterationCoefficients());
    }
    for (double c : coefficients) {
      if (!Double.isFinite(c)) {
        throw new IllegalArgumentException("the aggregator announced a coefficient that is not a finite number");
      }
    }
    if (rows.size() > maxRecordsPerSite) {
      throw new IllegalArgumentException("this site has " + rows.size() + " records; the study allows at most "
          + maxRecordsPerSite + " per site (max-records-per-site), so its sums could not be encoded safely");
    }
    double[] all = new double[iterationLength()];
    int offset = 0;
    int at = 0;
    for (StatisticDeclaration.Regression d : regressions().toList()) {
      LogisticRegression regression = d.logisticRegression();
      double[] beta = java.util.Arrays.copyOfRange(coefficients, at, at + regression.dimension());
      at += regression.dimension();
      double[] part = regression.at(beta).encode(regressionRows(d, regression, rows));
      System.arraycopy(part, 0, all, offset, part.length);
      offset += part.length;
    }
    return all;
  }

  /** The logistic regressions, in declared order. */
  private java.util.stream.Stream<StatisticDeclaration.Regression> regressions() {
    return declarations.stream().filter(StatisticDeclaration.Regression.class::isInstance)
        .map(StatisticDeclaration.Regression.class::cast);
  }

  private static List<LogisticRegression.Row> regressionRows(StatisticDeclaration.Regression d,
      LogisticRegression regression, Rows rows) {
    List<String> features = regression.features();
    List<LogisticRegression.Row> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      double y = rows.value(i, d.outcome());
      double[] x = new double[features.size()];
      for (int j = 0; j < x.length; j++) {
        x[j] = rows.value(i, features.get(j));
      }
      // An outcome other than 0/1 (or missing) is left out: -1 is never a class.
      out.add(new LogisticRegression.Row(x, y == 0 ? 0 : y == 1 ? 1 : -1));
    }
    return out;
  }

  private static double[] encode(StatisticDeclaration d, Rows rows) {
    int n = rows.size();
    if (d instanceof StatisticDeclaration.Counts counts) {
      List<ContingencyTable.Entry> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        entries.add(ContingencyTable.Entry.of(category(rows.value(i, counts.row()))));
      }
      return counts.statistic().encode(entries);
    }
    if (d instanceof StatisticDeclaration.Crosstab crosstab) {
      List<ContingencyTable.Entry> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        entries.add(new ContingencyTable.Entry(category(rows.value(i, crosstab.row())),
            category(rows.value(i, crosstab.column()))));
      }
      return crosstab.statistic().encode(entries);
    }
    if (d instanceof StatisticDeclaration.Summary summary) {
      return summary.statistic().encode(values(summary.variable(), summary.groupBy(), rows));
    }
    if (d instanceof StatisticDeclaration.Welch welch) {
      return welch.statistic().encode(values(welch.variable(), welch.groupBy(), rows));
    }
    if (d instanceof StatisticDeclaration.Regression r) {
      LogisticRegression regression = r.logisticRegression();
      return regression.at(regression.start()).encode(regressionRows(r, regression, rows));
    }
    throw new IllegalArgumentException(d.name() + ": " + d.kind().code()
        + " is not computed from the feature matrix (it needs index and event dates)");
  }

  /** Each row's value of {@code variable}, in the category of {@code groupBy} (or all rows as one group). */
  private static List<NumericSummary.Value> values(String variable, String groupBy, Rows rows) {
    List<NumericSummary.Value> values = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      String group = groupBy == null ? NumericSummary.ALL : category(rows.value(i, groupBy));
      values.add(new NumericSummary.Value(group, rows.value(i, variable)));
    }
    return values;
  }

  /** The category of a value: its rounded integer as a string, or null if missing. */
  public static String category(double value) {
    return Double.isNaN(value) ? null : Long.toString(Math.round(value));
  }
}
