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
 * @param variable the summarised, compared or timed variable (null for counts and crosstabs)
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
 */
public record StatisticDeclaration(Kind kind, String name, String variable, String row, String column,
    String groupBy, List<String> groups, List<String> columnCategories, double lower, double upper,
    double[] binEdges, double[] quantiles, double[] bucketEdges, String timeUnit, Optional<Double> epsilon) {

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
    return v;
  }

  /**
   * The encoder and combiner of this statistic.
   *
   * @throws IllegalArgumentException if the declaration lacks what its kind needs (the message
   *     names the part), or for {@code logistic-regression}, which needs one secure-aggregation
   *     round per Newton iteration and is built with {@link LogisticRegression} directly
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
      case LOGISTIC_REGRESSION -> throw new IllegalArgumentException(name
          + ": logistic regression needs one secure-aggregation round per Newton iteration (not a single-round statistic)");
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
