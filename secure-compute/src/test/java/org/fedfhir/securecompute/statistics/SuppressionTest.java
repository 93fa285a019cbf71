package org.fedfhir.securecompute.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.junit.jupiter.api.Test;

/**
 * Small counts are suppressed, and an intruder holding every released cell and margin cannot
 * pin a suppressed count down: for each one, linear programming over all non-negative tables
 * consistent with the release finds a range of more than one value.
 */
class SuppressionTest {

  private static final ContingencyTable TABLE = new ContingencyTable("t", "r", List.of("a", "b", "c", "d"), "c",
      List.of("x", "y", "z"));

  @Test
  void aSmallCellIsSuppressedWithEverythingDerivedAndCannotBeRecoveredFromTheMargins() {
    long[][] counts = {{20, 3, 15}, {12, 30, 9}, {25, 18, 40}, {7, 11, 22}};
    ContingencyTable.Result result = TABLE.combine(flatten(counts), Release.of(DisclosurePolicy.defaults(), 3));

    assertThat(result.cells()[0][1]).isEmpty();
    assertThat(result.suppressed()).contains("r=a, c=y").hasSizeGreaterThanOrEqualTo(4);
    assertThat(result.chiSquare()).as("the test is derived from the small cell").isEmpty();
    assertThat(result.total()).isEqualTo(OptionalLong.of(212));
    assertThat(result.rowTotals()[0]).isEqualTo(OptionalLong.of(38));
    assertUnrecoverable(counts, Suppression.table(counts, DisclosurePolicy.defaults()));
  }

  @Test
  void aSmallMarginIsSuppressedAndProtectedToo() {
    long[][] counts = {{2, 1, 0}, {12, 30, 9}, {25, 18, 40}};
    boolean[][] pattern = Suppression.table(counts, DisclosurePolicy.defaults());
    assertThat(pattern[0][3]).as("row total 3").isTrue();
    assertUnrecoverable(counts, pattern);
  }

  @Test
  void randomTablesWithSmallCellsNeverLeaveASuppressedCountDetermined() {
    Random random = new Random(5);
    for (int trial = 0; trial < 60; trial++) {
      int r = 2 + random.nextInt(4);
      int c = 2 + random.nextInt(4);
      long[][] counts = new long[r][c];
      for (long[] row : counts) {
        for (int j = 0; j < c; j++) {
          row[j] = random.nextInt(4) == 0 ? random.nextInt(6) : 5 + random.nextInt(40);
        }
      }
      assertUnrecoverable(counts, Suppression.table(counts, DisclosurePolicy.defaults()));
    }
  }

  @Test
  void stricterPolicyOfSiteAndStudyWins() {
    DisclosurePolicy effective = DisclosurePolicy.strictest(DisclosurePolicy.minCellCount(3),
        List.of(DisclosurePolicy.defaults(), DisclosurePolicy.minCellCount(10)));
    assertThat(effective.minCellCount()).isEqualTo(10);
    long[][] counts = {{20, 8, 15}, {12, 30, 9}, {25, 18, 40}, {7, 11, 22}};
    ContingencyTable.Result lenient = TABLE.combine(flatten(counts), Release.of(DisclosurePolicy.defaults(), 3));
    ContingencyTable.Result strict = TABLE.combine(flatten(counts), Release.of(effective, 3));
    assertThat(lenient.suppressed()).isEmpty();
    assertThat(strict.cells()[0][1]).isEmpty();
    assertThat(strict.cells()[3][0]).isEmpty();
    assertUnrecoverable(counts, Suppression.table(counts, effective));
  }

  @Test
  void oneWayCountsSuppressASecondCellSoTheTotalDoesNotGiveTheFirstAway() {
    ContingencyTable oneWay = ContingencyTable.oneWay("cp", "cp", List.of("1", "2", "3", "4"));
    ContingencyTable.Result result = oneWay.combine(new double[] {3, 40, 12, 90},
        Release.of(DisclosurePolicy.defaults(), 4));
    assertThat(result.cells()[0][0]).isEmpty();
    assertThat(result.cells()[2][0]).as("the smallest other count").isEmpty();
    assertThat(result.total()).isEqualTo(OptionalLong.of(145));
    assertThat(result.suppressed()).containsExactly("cp=1", "cp=3");
  }

  @Test
  void aQuantileThatWouldRevealASuppressedBinIsNotReleased() {
    NumericSummary summary = new NumericSummary("x", "x", null, List.of(), 0, 50,
        NumericSummary.evenEdges(0, 50, 5), new double[] {0.5});
    // bins: [0,10) 2, [10,20) 30, [20,30) 40, [30,40) 20, [40,50) 3 → 2 and 3 suppressed, one each side
    List<NumericSummary.Value> values = new ArrayList<>();
    int[] counts = {2, 30, 40, 20, 3};
    for (int b = 0; b < counts.length; b++) {
      for (int i = 0; i < counts[b]; i++) {
        values.add(NumericSummary.Value.of(b * 10 + 5));
      }
    }
    NumericSummary.Group group = summary.combine(summary.encode(values), Release.of(DisclosurePolicy.defaults(), 3))
        .groups().get(0);
    assertThat(group.histogram().get(0).count()).isEmpty();
    assertThat(group.histogram().get(4).count()).isEmpty();
    assertThat(group.count()).isEqualTo(OptionalLong.of(95));
    assertThat(group.quantiles().get(0).value()).as("median would give the lowest bin away").isEmpty();
    assertThat(group.mean()).isPresent();
    // min and max come only from released bins: the minimum lies in [0, 20), the maximum in [30, 50]
    assertThat(group.minimum().orElseThrow()).isEqualTo(new NumericSummary.Interval(0, 20));
    assertThat(group.maximum().orElseThrow()).isEqualTo(new NumericSummary.Interval(30, 50));
  }

  @Test
  void aGroupBelowTheMinimumIsSuppressedWhole() {
    NumericSummary summary = new NumericSummary("x", "x", "g", List.of("a", "b"), 0, 10,
        NumericSummary.evenEdges(0, 10, 2), new double[] {0.5});
    List<NumericSummary.Value> values = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      values.add(new NumericSummary.Value("a", i));
    }
    for (int i = 0; i < 40; i++) {
      values.add(new NumericSummary.Value("b", i % 10));
    }
    NumericSummary.Result result = summary.combine(summary.encode(values), Release.of(DisclosurePolicy.defaults(), 3));
    assertThat(result.groups().get(0).count()).isEmpty();
    assertThat(result.groups().get(0).mean()).isEmpty();
    assertThat(result.suppressed()).contains("g=a");
    assertThat(result.groups().get(1).mean().getAsDouble()).isEqualTo(4.5);
  }

  static double[] flatten(long[][] counts) {
    double[] v = new double[counts.length * counts[0].length];
    for (int i = 0; i < counts.length; i++) {
      for (int j = 0; j < counts[0].length; j++) {
        v[i * counts[0].length + j] = counts[i][j];
      }
    }
    return v;
  }

  /**
   * For every suppressed entry of the extended table, min and max over all non-negative tables
   * consistent with everything released differ by at least one.
   */
  static void assertUnrecoverable(long[][] counts, boolean[][] suppressed) {
    long[][] e = Suppression.extended(counts);
    int rows = e.length;
    int cols = e[0].length;
    List<int[]> unknowns = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        if (suppressed[i][j]) {
          unknowns.add(new int[] {i, j});
        }
      }
    }
    if (unknowns.isEmpty()) {
      return;
    }
    List<LinearConstraint> constraints = new ArrayList<>();
    for (int line = 0; line < rows + cols; line++) {
      double[] coefficients = new double[unknowns.size()];
      double constant = 0;
      for (int k = 0; k < (line < rows ? cols : rows); k++) {
        int i = line < rows ? line : k;
        int j = line < rows ? k : line - rows;
        // negate totals: every line of the extended table then sums to zero
        double sign = (i == rows - 1) ^ (j == cols - 1) ? -1 : 1;
        int index = indexOf(unknowns, i, j);
        if (index >= 0) {
          coefficients[index] = sign;
        } else {
          constant -= sign * e[i][j];
        }
      }
      constraints.add(new LinearConstraint(coefficients, Relationship.EQ, constant));
    }
    for (int u = 0; u < unknowns.size(); u++) {
      double[] objective = new double[unknowns.size()];
      objective[u] = 1;
      double min = optimum(objective, constraints, GoalType.MINIMIZE);
      double max = optimum(objective, constraints, GoalType.MAXIMIZE);
      int[] cell = unknowns.get(u);
      assertThat(max - min).as("entry (%d, %d) = %d of %s", cell[0], cell[1], e[cell[0]][cell[1]],
          java.util.Arrays.deepToString(counts)).isGreaterThanOrEqualTo(1 - 1e-9);
      assertThat((double) e[cell[0]][cell[1]]).isBetween(min - 1e-9, max + 1e-9);
    }
  }

  private static double optimum(double[] objective, List<LinearConstraint> constraints, GoalType goal) {
    PointValuePair p = new SimplexSolver().optimize(new MaxIter(10_000), new LinearObjectiveFunction(objective, 0),
        new LinearConstraintSet(constraints), goal, new NonNegativeConstraint(true));
    return p.getValue();
  }

  private static int indexOf(List<int[]> unknowns, int i, int j) {
    for (int k = 0; k < unknowns.size(); k++) {
      if (unknowns.get(k)[0] == i && unknowns.get(k)[1] == j) {
        return k;
      }
    }
    return -1;
  }
}
