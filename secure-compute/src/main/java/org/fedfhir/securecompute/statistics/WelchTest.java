package org.fedfhir.securecompute.statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Welch's unequal-variances t-test between two groups (Welch, "The generalization of Student's
 * problem when several different population variances are involved", Biometrika 1947), from each
 * group's n, Σ(x − c) and Σ(x − c)².
 *
 * <p>{@code t = (m_A − m_B) / sqrt(v_A/n_A + v_B/n_B)} with the Welch–Satterthwaite degrees of
 * freedom {@code (v_A/n_A + v_B/n_B)² / ((v_A/n_A)²/(n_A − 1) + (v_B/n_B)²/(n_B − 1))} and a
 * two-sided p-value from Student's t distribution.
 *
 * <p><b>Encoding</b> (site-local): {@code [n_A, Σ(x − c), Σ(x − c)², n_B, Σ(x − c), Σ(x − c)²]},
 * c the midpoint of the declared bounds; values are clipped to the bounds; missing values and
 * records of other groups are left out.
 *
 * <p><b>Release</b>: when either group's count is sensitive, that group's figures and the test
 * are suppressed. Differential privacy is not offered for this statistic (a release asking for it
 * is refused).
 */
public final class WelchTest implements SufficientStatistic<NumericSummary.Value, WelchTest.Result> {

  /** Mean and variance of one group, empty if suppressed. */
  public record Group(String group, OptionalLong count, OptionalDouble mean, OptionalDouble variance) {}

  /**
   * The test.
   *
   * @param meanDifference m_A − m_B
   * @param t the statistic
   * @param degreesOfFreedom Welch–Satterthwaite
   * @param pValue two-sided
   */
  public record Test(double meanDifference, double t, double degreesOfFreedom, double pValue) {}

  /** The released result. */
  public record Result(String name, String variable, String groupVariable, Group a, Group b,
      Optional<Test> test, List<String> suppressed, int sites) {}

  private final String name;
  private final String variable;
  private final String groupVariable;
  private final String groupA;
  private final String groupB;
  private final double lower;
  private final double upper;
  private final double centre;

  /**
   * @param name the statistic's name
   * @param variable the compared variable, e.g. {@code thalach}
   * @param groupVariable the grouping variable, e.g. {@code num}
   * @param groupA the first group's category
   * @param groupB the second group's category
   * @param lower lower bound (values below are clipped to it)
   * @param upper upper bound, &gt; lower
   */
  public WelchTest(String name, String variable, String groupVariable, String groupA, String groupB,
      double lower, double upper) {
    this.name = Objects.requireNonNull(name, "name");
    this.variable = Objects.requireNonNull(variable, "variable");
    this.groupVariable = Objects.requireNonNull(groupVariable, "groupVariable");
    this.groupA = Objects.requireNonNull(groupA, "groupA");
    this.groupB = Objects.requireNonNull(groupB, "groupB");
    if (groupA.equals(groupB)) {
      throw new IllegalArgumentException("the two groups must differ");
    }
    if (!(lower < upper) || !Double.isFinite(lower) || !Double.isFinite(upper)) {
      throw new IllegalArgumentException("bounds [" + lower + ", " + upper + "] must be finite with lower < upper");
    }
    this.lower = lower;
    this.upper = upper;
    this.centre = (lower + upper) / 2;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int length() {
    return 2 * Moments.LENGTH;
  }

  @Override
  public double maxAbsCoordinate(int maxRecordsPerSite) {
    double h = (upper - lower) / 2;
    return maxRecordsPerSite * Math.max(1, Math.max(h, h * h));
  }

  @Override
  public double[] encode(List<NumericSummary.Value> records) {
    double[] v = new double[length()];
    for (NumericSummary.Value r : records) {
      if (r.group() == null || Double.isNaN(r.value())) {
        continue;
      }
      int offset = r.group().equals(groupA) ? 0 : r.group().equals(groupB) ? Moments.LENGTH : -1;
      if (offset >= 0) {
        Moments.add(v, offset, centre, Math.max(lower, Math.min(upper, r.value())));
      }
    }
    return v;
  }

  /** Layout: {@code [n_A, n_B]}, the two groups' counts. */
  @Override
  public long[] disclosedCounts(double[] siteVector) {
    if (siteVector.length != length()) {
      throw new IllegalArgumentException("vector has length " + siteVector.length + ", expected " + length());
    }
    return new long[] {Math.round(siteVector[0]), Math.round(siteVector[Moments.LENGTH])};
  }

  @Override
  public Result withheld(String reason, int sites) {
    return new Result(name, variable, groupVariable,
        new Group(groupA, OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty()),
        new Group(groupB, OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty()),
        Optional.empty(), List.of(reason), sites);
  }

  @Override
  public Result combine(double[] sum, Release release) {
    if (sum.length != length()) {
      throw new IllegalArgumentException("sum has length " + sum.length + ", expected " + length());
    }
    if (release.privacy().isPresent()) {
      throw new IllegalArgumentException(name + ": differential privacy is not offered for Welch's t-test");
    }
    Moments.Estimate a = Moments.Estimate.of(sum[0], sum[1], sum[2], centre);
    Moments.Estimate b = Moments.Estimate.of(sum[3], sum[4], sum[5], centre);
    List<String> suppressed = new ArrayList<>();
    Group ga = group(groupA, a, release.policy(), suppressed);
    Group gb = group(groupB, b, release.policy(), suppressed);
    Optional<Test> test = Optional.empty();
    if (suppressed.isEmpty() && a.n() >= 2 && b.n() >= 2) {
      double ea = a.variance() / a.n();
      double eb = b.variance() / b.n();
      double se = Math.sqrt(ea + eb);
      double t = (a.mean() - b.mean()) / se;
      double df = (ea + eb) * (ea + eb) / (ea * ea / (a.n() - 1) + eb * eb / (b.n() - 1));
      test = Optional.of(new Test(a.mean() - b.mean(), t, df, Distributions.studentTwoSided(t, df)));
    }
    return new Result(name, variable, groupVariable, ga, gb, test, List.copyOf(suppressed), release.sites());
  }

  private Group group(String label, Moments.Estimate m, DisclosurePolicy policy, List<String> suppressed) {
    if (policy.isSensitive(m.n())) {
      suppressed.add(groupVariable + "=" + label);
      return new Group(label, OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty());
    }
    return new Group(label, OptionalLong.of(m.n()),
        m.n() > 0 ? OptionalDouble.of(m.mean()) : OptionalDouble.empty(),
        Double.isNaN(m.variance()) ? OptionalDouble.empty() : OptionalDouble.of(m.variance()));
  }
}
