package org.fedfhir.securecompute.statistics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Counts by the categories of one variable, or cross-tabulated by two (a contingency table),
 * with Pearson's chi-square test of independence (Pearson 1900) for two-way tables.
 *
 * <p><b>Encoding</b> (site-local): the r × c cell counts, row-major, in the declared category
 * order. Records whose row or column value is missing ({@code null}) or not a declared category
 * are not counted. A one-way table is a table with the single column {@value #ALL}.
 *
 * <p><b>Release</b>: cells, row totals, column totals and the grand total (a one-way table:
 * cells and the total), after {@link Suppression} under the release's policy. The chi-square
 * test is derived from every cell, so it is released only when nothing is suppressed; rows and
 * columns with a zero total are left out of it (they carry no information; the degrees of
 * freedom shrink accordingly), and {@link ChiSquare#expectedBelowFive()} flags Cochran's rule.
 * Which cells are suppressed is released, never why (primary or complementary), since the
 * reason would tell that a count is small.
 *
 * <p><b>Differential privacy</b> (optional; adding or removing one patient changes one cell by
 * one): either the sites added their shares of discrete Gaussian noise before masking
 * ({@link Release.Noise.AtSites}, {@code privacy.SiteNoise}) and the sum is already private, or
 * this combiner adds discrete Laplace noise of scale 1/ε to each cell
 * ({@link Release.Noise.AtAggregator}); negative results become 0; totals, suppression and the
 * test are computed from the noisy cells (post-processing, no further ε).
 */
public final class ContingencyTable implements SufficientStatistic<ContingencyTable.Entry, ContingencyTable.Result> {

  /** The single column of a one-way table. */
  public static final String ALL = "all";

  /**
   * One patient's categories.
   *
   * @param row the row variable's category, or null if missing
   * @param column the column variable's category ({@link #ALL} for a one-way table), or null
   */
  public record Entry(String row, String column) {
    /** @return an entry of a one-way table */
    public static Entry of(String row) {
      return new Entry(row, ALL);
    }
  }

  /**
   * Pearson's chi-square test of independence.
   *
   * @param statistic Σ (O − E)² / E over the cells of non-empty rows and columns
   * @param degreesOfFreedom (r' − 1)(c' − 1) for r' non-empty rows and c' non-empty columns
   * @param pValue P(χ²_df ≥ statistic)
   * @param expectedBelowFive whether some expected count is below 5 (the approximation is poor)
   */
  public record ChiSquare(double statistic, int degreesOfFreedom, double pValue, boolean expectedBelowFive) {}

  /**
   * The released table.
   *
   * @param name the statistic's name
   * @param rowVariable name of the row variable
   * @param rows row categories
   * @param columnVariable name of the column variable (null for a one-way table)
   * @param columns column categories
   * @param cells counts, empty where suppressed
   * @param rowTotals row totals (for a one-way table the same as the cells), empty where suppressed
   * @param columnTotals column totals, empty where suppressed
   * @param total grand total, empty if suppressed
   * @param chiSquare the test, empty for a one-way table, when anything is suppressed, or when
   *     fewer than two rows or columns are non-empty
   * @param suppressed labels of what is suppressed ("cp=1, num=0"; "total cp=2"; "total num=1";
   *     "total")
   * @param sites how many sites the counts cover
   * @param epsilon ε spent on this release, if differentially private
   */
  public record Result(String name, String rowVariable, List<String> rows, String columnVariable,
      List<String> columns, OptionalLong[][] cells, OptionalLong[] rowTotals, OptionalLong[] columnTotals,
      OptionalLong total, Optional<ChiSquare> chiSquare, List<String> suppressed, int sites,
      Optional<Double> epsilon) {

    /** @return whether this is a one-way table (counts by one variable) */
    public boolean oneWay() {
      return columnVariable == null;
    }
  }

  private final String name;
  private final String rowVariable;
  private final List<String> rows;
  private final String columnVariable;
  private final List<String> columns;

  /**
   * A two-way table.
   *
   * @param name the statistic's name
   * @param rowVariable e.g. {@code cp}
   * @param rows its categories, distinct, ≥ 1
   * @param columnVariable e.g. {@code num}
   * @param columns its categories, distinct, ≥ 1
   */
  public ContingencyTable(String name, String rowVariable, List<String> rows, String columnVariable,
      List<String> columns) {
    this.name = Objects.requireNonNull(name, "name");
    this.rowVariable = Objects.requireNonNull(rowVariable, "rowVariable");
    this.rows = distinct("rows", rows);
    this.columnVariable = columnVariable;
    this.columns = distinct("columns", columns);
  }

  /** Counts by the categories of one variable. */
  public static ContingencyTable oneWay(String name, String variable, List<String> categories) {
    return new ContingencyTable(name, variable, categories, null, List.of(ALL));
  }

  private static List<String> distinct(String what, List<String> categories) {
    if (categories.isEmpty() || new HashSet<>(categories).size() != categories.size()) {
      throw new IllegalArgumentException(what + " must be a non-empty list of distinct categories");
    }
    return List.copyOf(categories);
  }

  @Override
  public String name() {
    return name;
  }

  /** @return the row categories */
  public List<String> rows() {
    return rows;
  }

  /** @return the column categories */
  public List<String> columns() {
    return columns;
  }

  @Override
  public int length() {
    return rows.size() * columns.size();
  }

  @Override
  public double maxAbsCoordinate(int maxRecordsPerSite) {
    return maxRecordsPerSite;
  }

  @Override
  public double[] encode(List<Entry> records) {
    double[] v = new double[length()];
    for (Entry e : records) {
      if (e.row() == null || e.column() == null) {
        continue;
      }
      int i = rows.indexOf(e.row());
      int j = columns.indexOf(e.column());
      if (i >= 0 && j >= 0) {
        v[i * columns.size() + j]++;
      }
    }
    return v;
  }

  /** Layout: every cell of the site's vector, row-major: each is a count. */
  @Override
  public long[] disclosedCounts(double[] siteVector) {
    if (siteVector.length != length()) {
      throw new IllegalArgumentException("vector has length " + siteVector.length + ", expected " + length());
    }
    long[] counts = new long[siteVector.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = Math.round(siteVector[i]);
    }
    return counts;
  }

  @Override
  public Result withheld(String reason, int sites) {
    OptionalLong[][] cells = new OptionalLong[rows.size()][columns.size()];
    for (OptionalLong[] row : cells) {
      java.util.Arrays.fill(row, OptionalLong.empty());
    }
    OptionalLong[] rowTotals = new OptionalLong[rows.size()];
    java.util.Arrays.fill(rowTotals, OptionalLong.empty());
    OptionalLong[] columnTotals = new OptionalLong[columns.size()];
    java.util.Arrays.fill(columnTotals, OptionalLong.empty());
    return new Result(name, rowVariable, rows, columnVariable, columns, cells, rowTotals, columnTotals,
        OptionalLong.empty(), Optional.empty(), List.of(reason), sites, Optional.empty());
  }

  @Override
  public Result combine(double[] sum, Release release) {
    if (sum.length != length()) {
      throw new IllegalArgumentException("sum has length " + sum.length + ", expected " + length());
    }
    Optional<Release.Privacy> privacy = release.chargeFor(name);
    int r = rows.size();
    int c = columns.size();
    long[][] counts = new long[r][c];
    DiscreteLaplace noise = privacy.flatMap(Release.Privacy::centralNoise).map(DiscreteLaplace::new).orElse(null);
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        long count = Math.round(sum[i * c + j]);
        if (noise != null) {
          count += noise.sample(1.0 / privacy.get().epsilon());
        }
        counts[i][j] = privacy.isPresent() ? Math.max(0, count) : count;
      }
    }
    long[][] e = Suppression.extended(counts);
    DisclosurePolicy policy = release.policy();
    boolean[][] hidden;
    if (c == 1) {
      boolean[] line = Suppression.line(column(counts), policy);
      hidden = new boolean[r + 1][2];
      for (int i = 0; i < r; i++) {
        hidden[i][0] = line[i];
        hidden[i][1] = line[i];
      }
      boolean all = policy.isSensitive(e[r][1]);
      hidden[r][0] = all;
      hidden[r][1] = all;
    } else {
      hidden = Suppression.table(counts, policy);
    }
    OptionalLong[][] cells = new OptionalLong[r][c];
    OptionalLong[] rowTotals = new OptionalLong[r];
    OptionalLong[] columnTotals = new OptionalLong[c];
    List<String> suppressed = new ArrayList<>();
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        cells[i][j] = released(e[i][j], hidden[i][j]);
        if (hidden[i][j]) {
          suppressed.add(c == 1 ? rowVariable + "=" + rows.get(i)
              : rowVariable + "=" + rows.get(i) + ", " + columnVariable + "=" + columns.get(j));
        }
      }
      rowTotals[i] = released(e[i][c], hidden[i][c]);
      if (hidden[i][c] && c > 1) {
        suppressed.add("total " + rowVariable + "=" + rows.get(i));
      }
    }
    for (int j = 0; j < c; j++) {
      columnTotals[j] = released(e[r][j], hidden[r][j]);
      if (hidden[r][j] && c > 1) {
        suppressed.add("total " + columnVariable + "=" + columns.get(j));
      }
    }
    OptionalLong total = released(e[r][c], hidden[r][c]);
    if (hidden[r][c]) {
      suppressed.add("total");
    }
    Optional<ChiSquare> test = c > 1 && suppressed.isEmpty() ? chiSquare(e) : Optional.empty();
    return new Result(name, rowVariable, rows, columnVariable, columns, cells, rowTotals, columnTotals,
        total, test, List.copyOf(suppressed), release.sites(), privacy.map(Release.Privacy::epsilon));
  }

  private static long[] column(long[][] counts) {
    long[] v = new long[counts.length];
    for (int i = 0; i < counts.length; i++) {
      v[i] = counts[i][0];
    }
    return v;
  }

  private static OptionalLong released(long value, boolean hidden) {
    return hidden ? OptionalLong.empty() : OptionalLong.of(value);
  }

  /** Pearson's chi-square on the extended table {@code e} (totals in the last row and column). */
  static Optional<ChiSquare> chiSquare(long[][] e) {
    int r = e.length - 1;
    int c = e[0].length - 1;
    double n = e[r][c];
    List<Integer> liveRows = new ArrayList<>();
    List<Integer> liveCols = new ArrayList<>();
    for (int i = 0; i < r; i++) {
      if (e[i][c] > 0) {
        liveRows.add(i);
      }
    }
    for (int j = 0; j < c; j++) {
      if (e[r][j] > 0) {
        liveCols.add(j);
      }
    }
    if (liveRows.size() < 2 || liveCols.size() < 2) {
      return Optional.empty();
    }
    double statistic = 0;
    boolean small = false;
    for (int i : liveRows) {
      for (int j : liveCols) {
        double expected = e[i][c] * (double) e[r][j] / n;
        double d = e[i][j] - expected;
        statistic += d * d / expected;
        small |= expected < 5;
      }
    }
    int df = (liveRows.size() - 1) * (liveCols.size() - 1);
    return Optional.of(new ChiSquare(statistic, df, Distributions.chiSquareUpperTail(statistic, df), small));
  }
}
