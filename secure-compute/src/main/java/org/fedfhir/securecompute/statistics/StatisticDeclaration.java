package org.fedfhir.securecompute.statistics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One statistic as a study declares it (docs/study-format.md, "Statistics studies": the
 * {@code statistic} extension), independent of FHIR: the site builds its encoder from it and the
 * aggregator its combiner, so both sides hold the same fixed vector layout. One record per kind,
 * each with only the parts its kind has; what a kind needs is checked when its
 * {@link #statistic()} is built (the message names the part).
 */
public sealed interface StatisticDeclaration {

  /** @return what is computed */
  Kind kind();

  /** @return unique in the study */
  String name();

  /** @return ε spent on differential-privacy noise for this statistic, if any */
  Optional<Double> epsilon();

  /** The variables a site reads for this statistic (feature names, or {@code label}). */
  List<String> variables();

  /**
   * The encoder and combiner of this statistic; for a {@code logistic-regression}, its first
   * Newton iteration (at β = 0), whose vector is the regression's part of a run's first round.
   *
   * @throws IllegalArgumentException if the declaration lacks what its kind needs (the message
   *     names the part)
   */
  SufficientStatistic<?, ?> statistic();

  /** @return whether the statistic needs more than one secure-aggregation round (one per Newton iteration) */
  default boolean iterative() {
    return false;
  }

  /** The codes of {@code {base}/CodeSystem/statistic-kind}. */
  enum Kind {
    COUNTS("counts"), CROSSTAB("crosstab"), SUMMARY("summary"), WELCH("welch"),
    KAPLAN_MEIER("kaplan-meier"), LOGISTIC_REGRESSION("logistic-regression");

    private final String code;

    Kind(String code) {
      this.code = code;
    }

    /** @return the code in {@code statistic-kind} */
    public String code() {
      return code;
    }

    /** @return the kind of a code, if it is one */
    public static Optional<Kind> fromCode(String code) {
      for (Kind k : values()) {
        if (k.code.equals(code)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  /** A covariate of a logistic regression: a feature and the bounds its values are clipped to. */
  record Covariate(String name, double lower, double upper) {
    public Covariate {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * {@code counts}: a one-way table of {@code row}'s categories.
   *
   * @param categories the row categories, in order
   */
  record Counts(String name, String row, List<String> categories, Optional<Double> epsilon)
      implements StatisticDeclaration {
    public Counts {
      Objects.requireNonNull(name, "name");
      categories = List.copyOf(categories);
      Objects.requireNonNull(epsilon, "epsilon");
    }

    @Override
    public Kind kind() {
      return Kind.COUNTS;
    }

    @Override
    public List<String> variables() {
      return present(row);
    }

    @Override
    public ContingencyTable statistic() {
      return ContingencyTable.oneWay(name, require(this, row, "row"), nonEmpty(this, categories, "group"));
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }

  /** {@code crosstab}: a two-way table of {@code row} by {@code column}. */
  record Crosstab(String name, String row, List<String> rowCategories, String column, List<String> columnCategories,
      Optional<Double> epsilon) implements StatisticDeclaration {
    public Crosstab {
      Objects.requireNonNull(name, "name");
      rowCategories = List.copyOf(rowCategories);
      columnCategories = List.copyOf(columnCategories);
      Objects.requireNonNull(epsilon, "epsilon");
    }

    @Override
    public Kind kind() {
      return Kind.CROSSTAB;
    }

    @Override
    public List<String> variables() {
      return present(row, column);
    }

    @Override
    public ContingencyTable statistic() {
      return new ContingencyTable(name, require(this, row, "row"), nonEmpty(this, rowCategories, "group"),
          require(this, column, "column"), nonEmpty(this, columnCategories, "columnGroup"));
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }

  /**
   * {@code summary}: count, mean, variance, histogram and quantiles of {@code variable}, per group.
   *
   * @param groupBy the grouping variable, or null
   * @param groups its categories, in order
   * @param binEdges histogram edges (empty: one bin [lower, upper])
   * @param quantiles quantile levels
   */
  record Summary(String name, String variable, String groupBy, List<String> groups, double lower, double upper,
      double[] binEdges, double[] quantiles, Optional<Double> epsilon) implements StatisticDeclaration {
    public Summary {
      Objects.requireNonNull(name, "name");
      groups = List.copyOf(groups);
      binEdges = binEdges.clone();
      quantiles = quantiles.clone();
      Objects.requireNonNull(epsilon, "epsilon");
    }

    @Override
    public double[] binEdges() {
      return binEdges.clone();
    }

    @Override
    public double[] quantiles() {
      return quantiles.clone();
    }

    @Override
    public Kind kind() {
      return Kind.SUMMARY;
    }

    @Override
    public List<String> variables() {
      return present(variable, groupBy);
    }

    @Override
    public NumericSummary statistic() {
      return new NumericSummary(name, require(this, variable, "variable"), groupBy,
          groupBy == null ? List.of() : nonEmpty(this, groups, "group"), lower, upper,
          binEdges.length == 0 ? new double[] {lower, upper} : binEdges, quantiles);
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }

  /** {@code welch}: Welch's t-test of {@code variable} between the two {@code groups} of {@code groupBy}. */
  record Welch(String name, String variable, String groupBy, List<String> groups, double lower, double upper,
      Optional<Double> epsilon) implements StatisticDeclaration {
    public Welch {
      Objects.requireNonNull(name, "name");
      groups = List.copyOf(groups);
      Objects.requireNonNull(epsilon, "epsilon");
    }

    @Override
    public Kind kind() {
      return Kind.WELCH;
    }

    @Override
    public List<String> variables() {
      return present(variable, groupBy);
    }

    @Override
    public WelchTest statistic() {
      if (groups.size() != 2) {
        throw new IllegalArgumentException(name + ": a Welch t-test needs exactly 2 groups, found " + groups.size());
      }
      return new WelchTest(name, require(this, variable, "variable"), require(this, groupBy, "groupBy"),
          groups.get(0), groups.get(1), lower, upper);
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }

  /**
   * {@code kaplan-meier}: survival curves from index to event, per group.
   *
   * @param groupBy the grouping variable, or null
   * @param groups its categories, in order (a log-rank test needs exactly two)
   * @param bucketEdges time buckets
   * @param timeUnit UCUM unit of the buckets ({@code d} by default)
   */
  record KaplanMeier(String name, String groupBy, List<String> groups, double[] bucketEdges, String timeUnit,
      Optional<Double> epsilon) implements StatisticDeclaration {
    public KaplanMeier {
      Objects.requireNonNull(name, "name");
      groups = List.copyOf(groups);
      bucketEdges = bucketEdges.clone();
      timeUnit = timeUnit == null ? "d" : timeUnit;
      Objects.requireNonNull(epsilon, "epsilon");
    }

    @Override
    public double[] bucketEdges() {
      return bucketEdges.clone();
    }

    @Override
    public Kind kind() {
      return Kind.KAPLAN_MEIER;
    }

    @Override
    public List<String> variables() {
      return present(groupBy);
    }

    @Override
    public SurvivalAnalysis statistic() {
      return new SurvivalAnalysis(name, groupBy, groupBy == null ? List.of() : nonEmpty(this, groups, "group"),
          bucketEdges, timeUnit);
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }

  /**
   * {@code logistic-regression}: a model of the binary {@code outcome}, fitted by Newton iterations.
   *
   * @param outcome the binary outcome variable
   * @param covariates in order
   */
  record Regression(String name, String outcome, List<Covariate> covariates, Optional<Double> epsilon)
      implements StatisticDeclaration {
    public Regression {
      Objects.requireNonNull(name, "name");
      covariates = List.copyOf(covariates);
      Objects.requireNonNull(epsilon, "epsilon");
    }

    @Override
    public Kind kind() {
      return Kind.LOGISTIC_REGRESSION;
    }

    @Override
    public List<String> variables() {
      List<String> v = new ArrayList<>(present(outcome));
      covariates.forEach(c -> v.add(c.name()));
      return v;
    }

    @Override
    public boolean iterative() {
      return true;
    }

    /**
     * The regression.
     *
     * @throws IllegalArgumentException if it lacks its outcome or covariates
     */
    public LogisticRegression logisticRegression() {
      if (covariates.isEmpty()) {
        throw new IllegalArgumentException(name + ": a logistic-regression statistic needs at least one 'covariate'");
      }
      Set<String> names = new HashSet<>();
      for (Covariate c : covariates) {
        if (!names.add(c.name())) {
          throw new IllegalArgumentException(name + ": covariate '" + c.name() + "' is named twice");
        }
      }
      return new LogisticRegression(name, require(this, outcome, "variable"),
          covariates.stream().map(Covariate::name).toList(),
          covariates.stream().mapToDouble(Covariate::lower).toArray(),
          covariates.stream().mapToDouble(Covariate::upper).toArray());
    }

    @Override
    public SufficientStatistic<?, ?> statistic() {
      LogisticRegression regression = logisticRegression();
      return regression.at(regression.start());
    }

    @Override
    public String toString() {
      return describe(this);
    }
  }

  private static String require(StatisticDeclaration d, String value, String part) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(d.name() + ": a " + d.kind().code() + " statistic needs '" + part + "'");
    }
    return value;
  }

  private static List<String> nonEmpty(StatisticDeclaration d, List<String> values, String part) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException(d.name() + ": a " + d.kind().code() + " statistic needs at least one '"
          + part + "'");
    }
    return values;
  }

  private static List<String> present(String... variables) {
    List<String> v = new ArrayList<>();
    for (String s : variables) {
      if (s != null) {
        v.add(s);
      }
    }
    return v;
  }

  private static String describe(StatisticDeclaration d) {
    return String.format(Locale.ROOT, "StatisticDeclaration[%s %s]", d.kind().code(), d.name());
  }
}
