package org.fedfhir.study;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fedfhir.securecompute.privacy.SiteNoise;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.SiteDisclosure;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Type;

/**
 * Reads what a statistics study ({@code extension[studyKind]} = {@code statistics}) computes from
 * its {@code PlanDefinition} (docs/study-format.md, "Statistics studies"): one
 * {@value #STATISTIC} extension per statistic on the study's action, and the study's disclosure
 * control in {@value #DISCLOSURE_CONTROL}; each {@code kaplan-meier} statistic's index and event
 * ({@link #timeToEvent}). The aggregator and the sites read the same definition with this one class
 * (through {@link StudyParser}, which puts both into a {@link StudyDefinition.Statistics}), so they
 * agree on every statistic's vector layout.
 */
public final class StatisticsDeclarations {

  /** Complex extension on {@code PlanDefinition.action}: one statistic. */
  public static final String STATISTIC = StudyUrls.BASE + "/StructureDefinition/statistic";
  /** Complex extension on {@code PlanDefinition}: minCellCount, maxRecordsPerSite, epsilonBudget, epsilonDelta. */
  public static final String DISCLOSURE_CONTROL = StudyUrls.BASE + "/StructureDefinition/disclosure-control";
  /** The study-kind extension. */
  public static final String STUDY_KIND = StudyUrls.EXT_STUDY_KIND;
  /** Default of {@code maxRecordsPerSite}. */
  public static final int DEFAULT_MAX_RECORDS_PER_SITE = 1_000_000;

  /**
   * A statistics study's declarations.
   *
   * @param statistics in the order of the concatenated vector
   * @param policy the study's disclosure policy (each site's own applies too; the stricter wins)
   * @param maxRecordsPerSite bounds every sum so that the encoding cannot wrap
   * @param epsilonBudget the study's total ε, if it uses differential privacy
   * @param epsilonDelta δ of each private statistic's (ε, δ) guarantee (the sites' noise is
   *     calibrated to it), in (0, 1); {@link SiteNoise#DEFAULT_DELTA} unless declared
   */
  public record Study(List<StatisticDeclaration> statistics, DisclosurePolicy policy, int maxRecordsPerSite,
      Optional<Double> epsilonBudget, double epsilonDelta) {
    public Study {
      statistics = List.copyOf(statistics);
      if (!(epsilonDelta > 0 && epsilonDelta < 1)) {
        throw new IllegalArgumentException("epsilonDelta " + epsilonDelta + " must be in (0, 1)");
      }
    }

    /** A study with the default δ. */
    public Study(List<StatisticDeclaration> statistics, DisclosurePolicy policy, int maxRecordsPerSite,
        Optional<Double> epsilonBudget) {
      this(statistics, policy, maxRecordsPerSite, epsilonBudget, SiteNoise.DEFAULT_DELTA);
    }

    /**
     * @return the total vector length of one site's first-round contribution: every statistic's
     *     slice, then one contributor flag per statistic ({@link SiteDisclosure})
     */
    public int length() {
      return SiteDisclosure.firstRoundLength(statistics);
    }
  }

  private StatisticsDeclarations() {}

  /** True if the study's kind is {@code statistics}. */
  public static boolean isStatisticsStudy(PlanDefinition study) {
    Extension kind = study.getExtensionByUrl(STUDY_KIND);
    return kind != null && kind.getValue() instanceof PrimitiveType<?> p
        && StudyKind.STATISTICS.code().equals(p.getValueAsString());
  }

  /**
   * Reads the statistics and the disclosure control.
   *
   * @throws IllegalArgumentException naming the element and the rule when a declaration is
   *     incomplete or inconsistent (no statistic, a duplicate name, bounds, bins, …)
   */
  public static Study read(PlanDefinition study) {
    if (study.getAction().size() != 1) {
      throw new IllegalArgumentException("PlanDefinition.action: a statistics study has exactly 1 action, found "
          + study.getAction().size());
    }
    List<Extension> exts = study.getActionFirstRep().getExtensionsByUrl(STATISTIC);
    if (exts.isEmpty()) {
      throw new IllegalArgumentException("PlanDefinition.action[0].extension[statistic]: a statistics study declares "
          + "at least one statistic");
    }
    List<StatisticDeclaration> statistics = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < exts.size(); i++) {
      String loc = "PlanDefinition.action[0].extension[statistic][" + i + "]";
      StatisticDeclaration d;
      try {
        d = declaration(exts.get(i));
        d.statistic().length(); // builds it: checks bounds, bins, groups
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(loc + ": " + e.getMessage(), e);
      }
      if (!names.add(d.name())) {
        throw new IllegalArgumentException(loc + ".name: '" + d.name() + "' is used twice; names are unique in a study");
      }
      statistics.add(d);
    }
    int minCellCount = DisclosurePolicy.DEFAULT_MIN_CELL_COUNT;
    int maxRecords = DEFAULT_MAX_RECORDS_PER_SITE;
    Optional<Double> budget = Optional.empty();
    double delta = SiteNoise.DEFAULT_DELTA;
    Extension dc = study.getExtensionByUrl(DISCLOSURE_CONTROL);
    if (dc != null) {
      minCellCount = integer(dc, "minCellCount", minCellCount);
      maxRecords = integer(dc, "maxRecordsPerSite", maxRecords);
      budget = decimal(dc, "epsilonBudget");
      delta = decimal(dc, "epsilonDelta").orElse(delta);
      if (minCellCount < 1 || maxRecords < 1 || budget.filter(b -> !(b > 0)).isPresent()) {
        throw new IllegalArgumentException("PlanDefinition.extension[disclosure-control]: minCellCount and "
            + "maxRecordsPerSite must be ≥ 1 and epsilonBudget > 0");
      }
      if (!(delta > 0 && delta < 1)) {
        throw new IllegalArgumentException("PlanDefinition.extension[disclosure-control].epsilonDelta: " + delta
            + " must be in (0, 1)");
      }
    }
    for (StatisticDeclaration d : statistics) {
      if (d.epsilon().isPresent() && budget.isEmpty()) {
        throw new IllegalArgumentException("statistic '" + d.name() + "' spends epsilon but the study has no "
            + "epsilonBudget (extension[disclosure-control])");
      }
    }
    return new Study(statistics, DisclosurePolicy.minCellCount(minCellCount), maxRecords, budget, delta);
  }

  /**
   * The index and event definitions of the study's {@code kaplan-meier} statistics, by name, read
   * from the same {@value #STATISTIC} extensions as {@link #read}.
   *
   * @throws IllegalArgumentException naming the statistic when its index or event is incomplete
   */
  public static Map<String, TimeToEventDefinition> timeToEvent(PlanDefinition study) {
    Map<String, TimeToEventDefinition> out = new LinkedHashMap<>();
    if (study.getAction().isEmpty()) {
      return out;
    }
    for (Extension e : study.getActionFirstRep().getExtensionsByUrl(STATISTIC)) {
      if (!StatisticDeclaration.Kind.KAPLAN_MEIER.code().equals(string(e, "kind"))) {
        continue;
      }
      String name = string(e, "name");
      List<Code> eventObs = codes(e, "eventObservation");
      if (eventObs.size() > 1) {
        throw new IllegalArgumentException(name + ": at most one 'eventObservation'");
      }
      out.put(name, new TimeToEventDefinition(name, codes(e, "indexCondition"), codes(e, "eventCondition"),
          eventObs.isEmpty() ? null : eventObs.get(0), optionalDecimal(e, "eventAbove"),
          optionalDecimal(e, "eventBelow"), codes(e, "followUpObservation"), string(e, "eventUnit")));
    }
    return out;
  }

  private static StatisticDeclaration declaration(Extension e) {
    String kindCode = string(e, "kind");
    StatisticDeclaration.Kind kind = StatisticDeclaration.Kind.fromCode(kindCode).orElseThrow(() ->
        new IllegalArgumentException("kind '" + kindCode + "'; need counts | crosstab | summary | welch | "
            + "kaplan-meier | logistic-regression"));
    String name = string(e, "name");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name is required");
    }
    Optional<Double> epsilon = decimal(e, "epsilon");
    return switch (kind) {
      case COUNTS -> new StatisticDeclaration.Counts(name, string(e, "row"), strings(e, "rowCategory"), epsilon);
      case CROSSTAB -> new StatisticDeclaration.Crosstab(name, string(e, "row"), strings(e, "rowCategory"),
          string(e, "column"), strings(e, "columnCategory"), epsilon);
      case SUMMARY -> new StatisticDeclaration.Summary(name, string(e, "variable"), string(e, "groupBy"),
          strings(e, "group"), bound(e, "lower"), bound(e, "upper"), decimals(e, "binEdge"), decimals(e, "quantile"),
          epsilon);
      case WELCH -> new StatisticDeclaration.Welch(name, string(e, "variable"), string(e, "groupBy"),
          strings(e, "group"), bound(e, "lower"), bound(e, "upper"), epsilon);
      case KAPLAN_MEIER -> new StatisticDeclaration.KaplanMeier(name, string(e, "groupBy"), strings(e, "group"),
          decimals(e, "bucketEdge"), string(e, "timeUnit"), epsilon);
      case LOGISTIC_REGRESSION -> new StatisticDeclaration.Regression(name, string(e, "variable"), covariates(e),
          epsilon);
    };
  }

  /** A bound of a summary or t-test; NaN when it is not declared. */
  private static double bound(Extension e, String part) {
    return decimal(e, part).orElse(Double.NaN);
  }

  /** The {@code covariate} parts of a logistic regression: each with {@code name}, {@code lower}, {@code upper}. */
  private static List<StatisticDeclaration.Covariate> covariates(Extension e) {
    List<StatisticDeclaration.Covariate> out = new ArrayList<>();
    List<Extension> parts = e.getExtensionsByUrl("covariate");
    for (int i = 0; i < parts.size(); i++) {
      Extension c = parts.get(i);
      String name = string(c, "name");
      Optional<Double> lower = decimal(c, "lower");
      Optional<Double> upper = decimal(c, "upper");
      if (name == null || name.isBlank() || lower.isEmpty() || upper.isEmpty()) {
        throw new IllegalArgumentException("covariate[" + i + "] needs name, lower and upper");
      }
      out.add(new StatisticDeclaration.Covariate(name, lower.get(), upper.get()));
    }
    return out;
  }

  private static String string(Extension e, String part) {
    Extension p = e.getExtensionByUrl(part);
    return p == null || !(p.getValue() instanceof PrimitiveType<?> v) ? null : v.getValueAsString();
  }

  private static List<String> strings(Extension e, String part) {
    List<String> out = new ArrayList<>();
    for (Extension p : e.getExtensionsByUrl(part)) {
      if (p.getValue() instanceof PrimitiveType<?> v && v.hasValue()) {
        out.add(v.getValueAsString());
      }
    }
    return out;
  }

  private static Optional<Double> decimal(Extension e, String part) {
    Extension p = e.getExtensionByUrl(part);
    return p == null ? Optional.empty() : Optional.of(number(p.getValue(), part));
  }

  private static double[] decimals(Extension e, String part) {
    return e.getExtensionsByUrl(part).stream().mapToDouble(p -> number(p.getValue(), part)).toArray();
  }

  private static int integer(Extension e, String part, int otherwise) {
    Extension p = e.getExtensionByUrl(part);
    return p == null ? otherwise : (int) number(p.getValue(), part);
  }

  private static Double optionalDecimal(Extension e, String part) {
    String s = string(e, part);
    if (s == null) {
      return null;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException(part + " needs a number", ex);
    }
  }

  private static List<Code> codes(Extension e, String part) {
    List<Code> out = new ArrayList<>();
    for (Extension p : e.getExtensionsByUrl(part)) {
      if (!(p.getValue() instanceof Coding c) || !c.hasSystem() || !c.hasCode()) {
        throw new IllegalArgumentException(Optional.ofNullable(string(e, "name")).orElse("kaplan-meier") + ": "
            + part + " needs a valueCoding with system and code");
      }
      out.add(new Code(c.getSystem(), c.getCode()));
    }
    return out;
  }

  private static double number(Type value, String part) {
    if (value instanceof PrimitiveType<?> v && v.hasValue()) {
      try {
        return Double.parseDouble(v.getValueAsString());
      } catch (NumberFormatException ex) {
        // fall through
      }
    }
    throw new IllegalArgumentException(part + " needs a number");
  }
}
