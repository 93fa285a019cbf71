package org.fedfhir.securecompute.statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One statistic as a study declares it (docs/study-format.md, "Statistics studies": the
 * {@code statistic} extension), independent of FHIR: the site builds its encoder from it and the
 * aggregator its combiner, so both sides hold the same fixed vector layout.
 *
 * @param kind what is computed
 * @param name unique in the study
 * @param variable the summarised, compared or timed variable, or the binary outcome of a
 *     logistic regression (null for counts and crosstabs)
 * @param row the row variable of counts and crosstabs (null otherwise)
 * @param column the column variable of a crosstab (null otherwise)
 * @param groupBy the grouping variable of a summary, t-test or survival analysis, or null
 * @param groups its categories, in order (a t-test and a log-rank test need exactly two); for
 *     counts and crosstabs the row categories, then (crosstab) {@code columnCategories}
 * @param columnCategories the column categories of a crosstab (empty otherwise)
 * @param lower lower bound of a summary or t-test (NaN otherwise)
 * @param upper upper bound (NaN otherwise)
 * @param binEdges histogram edges of a summary (empty: one bin [lower, upper])
 * @param quantiles quantile levels of a summary
 * @param bucketEdges time buckets of a survival analysis
 * @param timeUnit UCUM unit of the buckets ({@code d} by default)
 * @param epsilon ε spent on differential-privacy noise for this statistic, if any
 * @param covariates the covariates of a logistic regression, in order (empty otherwise)
 */
public record StatisticDeclaration(Kind kind, String name, String variable, String row, String column,
    String groupBy, List<String> groups, List<String> columnCategories, double lower, double upper,
    double[] binEdges, double[] quantiles, double[] bucketEdges, String timeUnit, Optional<Double> epsilon,
    List<Covariate> covariates) {

  /** A covariate of a logistic regression: a feature and the bounds its values are clipped to. */
  public record Covariate(String name, double lower, double upper) {
    public Covariate {
      Objects.requireNonNull(name, "name");
    }
  }

  /** A declaration without covariates (every kind but {@code logistic-regression}). */
  public StatisticDeclaration(Kind kind, String name, String variable, String row, String column,
      String groupBy, List<String> groups, List<String> columnCategories, double lower, double upper,
      double[] binEdges, double[] quantiles, double[] bucketEdges, String timeUnit, Optional<Double> epsilon) {
    this(kind, name, variable, row, column, groupBy, groups, columnCategories, lower, upper, binEdges, quantiles,
        bucketEdges, timeUnit, epsilon, List.of());
  }

  /** The codes of {@code {base}/CodeSystem/statistic-kind}. */
  public enum Kind {
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

  /** Copies the lists and arrays; checks what every kind needs. */
  public StatisticDeclaration {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    groups = List.copyOf(groups);
    columnCategories = List.copyOf(columnCategories);
    binEdges = binEdges.clone();
    quantiles = quantiles.clone();
    bucketEdges = bucketEdges.clone();
    timeUnit = timeUnit == null ? "d" : timeUnit;
    Objects.requireNonNull(epsilon, "epsilon");
    covariates = List.copyOf(covariates);
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
  public double[] bucketEdges() {
    return bucketEdges.clone();
  }

  /** The variables a site reads for this statistic (feature names, or {@code label}). */
  public List<String> variables() {
    List<String> v = new ArrayList<>();
    for (String s : new String[] {row, column, variable, groupBy}) {
      if (s != null) {
        v.add(s);
      }
    }
    covariates.forEach(c -> v.add(c.name()));
    return v;
  }

  /** @return whether the statistic needs more than one secure-aggregation round (one per Newton iteration) */
  public boolean iterative() {
    return kind == Kind.LOGISTIC_REGRESSION;
  }

  /**
   * The regression of a {@code logistic-regression} statistic.
   *
   * @throws IllegalArgumentException if this is another kind, or lacks its outcome or covariates
   */
  public LogisticRegression logisticRegression() {
    if (kind != Kind.LOGISTIC_REGRESSION) {
      throw new IllegalArgumentException(name + ": a " + kind.code() + " statistic is not a logistic regression");
    }
    if (covariates.isEmpty()) {
      throw new IllegalArgumentException(name + ": a logistic-regression statistic needs at least one 'covariate'");
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Covariate c : covariates) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException(name + ": covariate '" + c.name() + "' is named twice");
      }
    }
    return new LogisticRegression(name, require(variable, "variable"),
        covariates.stream().map(Covariate::name).toList(),
        covariates.stream().mapToDouble(Covariate::lower).toArray(),
        covariates.stream().mapToDouble(Covariate::upper).toArray());
  }

  /**
   * The encoder and combiner of this statistic; for a {@code logistic-regression}, its first
   * Newton iteration (at β = 0), whose vector is the regression's part of a run's first round.
   *
   * @throws IllegalArgumentException if the declaration lacks what its kind needs (the message
   *     names the part)
   */
  public SufficientStatistic<?, ?> statistic() {
    return switch (kind) {
      case COUNTS -> ContingencyTable.oneWay(name, require(row, "row"), nonEmpty(groups, "group"));
      case CROSSTAB -> new ContingencyTable(name, require(row, "row"), nonEmpty(groups, "group"),
          require(column, "column"), nonEmpty(columnCategories, "columnGroup"));
      case SUMMARY -> new NumericSummary(name, require(variable, "variable"), groupBy,
          groupBy == null ? List.of() : nonEmpty(groups, "group"), lower, upper,
          binEdges.length == 0 ? new double[] {lower, upper} : binEdges, quantiles);
      case WELCH -> {
        if (groups.size() != 2) {
          throw new IllegalArgumentException(name + ": a Welch t-test needs exactly 2 groups, found " + groups.size());
        }
        yield new WelchTest(name, require(variable, "variable"), require(groupBy, "groupBy"), groups.get(0),
            groups.get(1), lower, upper);
      }
      case KAPLAN_MEIER -> new SurvivalAnalysis(name, groupBy, groupBy == null ? List.of() : nonEmpty(groups, "group"),
          bucketEdges, timeUnit);
      case LOGISTIC_REGRESSION -> {
        LogisticRegression regression = logisticRegression();
        yield regression.at(regression.start());
      }
    };
  }

  private String require(String value, String part) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + ": a " + kind.code() + " statistic needs '" + part + "'");
    }
    return value;
  }

  private List<String> nonEmpty(List<String> values, String part) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException(name + ": a " + kind.code() + " statistic needs at least one '" + part + "'");
    }
    return values;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "StatisticDeclaration[%s %s]", kind.code(), name);
  }
}
