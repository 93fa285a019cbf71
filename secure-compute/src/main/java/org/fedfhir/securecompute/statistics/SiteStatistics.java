package org.fedfhir.securecompute.statistics;

import java.util.ArrayList;
import java.util.List;
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

  /** @return the total vector length, the same at every site */
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
    Objects.requireNonNull(rows, "rows");
    if (rows.size() > maxRecordsPerSite) {
      throw new IllegalArgumentException("this site has " + rows.size() + " records; the study allows at most "
          + maxRecordsPerSite + " per site (max-records-per-site), so its sums could not be encoded safely");
    }
    List<double[]> parts = new ArrayList<>();
    for (StatisticDeclaration d : declarations) {
      parts.add(encode(d, rows));
    }
    int length = parts.stream().mapToInt(p -> p.length).sum();
    double[] all = new double[length];
    int offset = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, all, offset, p.length);
      offset += p.length;
    }
    return all;
  }

  /** @return the length of a later round's vector: the logistic regressions' parts, in order */
  public int iterationLength() {
    return declarations.stream().filter(StatisticDeclaration::iterative).mapToInt(d -> d.statistic().length()).sum();
  }

  /** @return the total number of coefficients of the logistic regressions, in order */
  public int iterationCoefficients() {
    return declarations.stream().filter(StatisticDeclaration::iterative)
        .mapToInt(d -> d.logisticRegression().dimension()).sum();
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
    for (StatisticDeclaration d : declarations) {
      if (!d.iterative()) {
        continue;
      }
      LogisticRegression regression = d.logisticRegression();
      double[] beta = java.util.Arrays.copyOfRange(coefficients, at, at + regression.dimension());
      at += regression.dimension();
      double[] part = regression.at(beta).encode(regressionRows(d, regression, rows));
      System.arraycopy(part, 0, all, offset, part.length);
      offset += part.length;
    }
    return all;
  }

  private static List<LogisticRegression.Row> regressionRows(StatisticDeclaration d, LogisticRegression regression,
      Rows rows) {
    List<String> features = regression.features();
    List<LogisticRegression.Row> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      double y = rows.value(i, d.variable());
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
    switch (d.kind()) {
      case COUNTS, CROSSTAB -> {
        ContingencyTable table = (ContingencyTable) d.statistic();
        List<ContingencyTable.Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          String row = category(rows.value(i, d.row()));
          entries.add(d.kind() == StatisticDeclaration.Kind.COUNTS ? ContingencyTable.Entry.of(row)
              : new ContingencyTable.Entry(row, category(rows.value(i, d.column()))));
        }
        return table.encode(entries);
      }
      case SUMMARY, WELCH -> {
        List<NumericSummary.Value> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          String group = d.groupBy() == null ? NumericSummary.ALL : category(rows.value(i, d.groupBy()));
          values.add(new NumericSummary.Value(group, rows.value(i, d.variable())));
        }
        @SuppressWarnings("unchecked")
        SufficientStatistic<NumericSummary.Value, ?> s = (SufficientStatistic<NumericSummary.Value, ?>) d.statistic();
        return s.encode(values);
      }
      case LOGISTIC_REGRESSION -> {
        LogisticRegression regression = d.logisticRegression();
        return regression.at(regression.start()).encode(regressionRows(d, regression, rows));
      }
      default -> throw new IllegalArgumentException(d.name() + ": " + d.kind().code()
          + " is not computed from the feature matrix (it needs index and event dates)");
    }
  }

  /** The category of a value: its rounded integer as a string, or null if missing. */
  public static String category(double value) {
    return Double.isNaN(value) ? null : Long.toString(Math.round(value));
  }
}
