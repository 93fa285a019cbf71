package org.fedfhir.aggregator.statistics;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.securecompute.statistics.ContingencyTable;
import org.fedfhir.securecompute.statistics.LogisticRegression;
import org.fedfhir.securecompute.statistics.NumericSummary;
import org.fedfhir.securecompute.statistics.PrivacyLedger;
import org.fedfhir.securecompute.statistics.SurvivalAnalysis;
import org.fedfhir.securecompute.statistics.WelchTest;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.StringType;

/**
 * Released statistics as FHIR (docs/study-format.md, "Results"): the answer of {@code $secure-stats}
 * is a {@code Parameters} (profile {@code FederatedStatisticsResult}) with the study, the number
 * of sites in the sum, one parameter per statistic (tests, summaries, curves; each with the number
 * of sites that contributed it, {@code siteCount}) and, when the study
 * has counts or cross-tabulations, a {@code MeasureReport} (profile
 * {@code FederatedStatisticsReport}) in the parameter {@code report}: one group per table, one
 * stratum per cell and per margin.
 *
 * <p>A suppressed figure is never a number: in the {@code Parameters} it is a part with its name
 * whose value carries only the {@code data-absent-reason} extension {@code masked}; in the
 * {@code MeasureReport} it is a stratum (or group) without {@code population.count} and with the
 * extension {@value #SUPPRESSED} = true. Every statistic also lists what was suppressed as
 * {@code suppressed} parts (labels, never why a cell was suppressed).
 */
public final class StatisticsResults {

  static final String BASE = "http://fedfhir.org/fhir/StructureDefinition/";
  /** true on a stratum or group whose count is suppressed. */
  public static final String SUPPRESSED = BASE + "suppressed";
  /** Number of sites in the secure sum (valuePositiveInt), as in Provenance. */
  public static final String SITE_COUNT = BASE + "site-count";
  /** The study (valueCanonical url|version). */
  public static final String STUDY = BASE + "study";
  /** ε spent on a statistic (valueDecimal). */
  public static final String EPSILON_SPENT = BASE + "epsilon-spent";
  public static final String RESULT_PROFILE = BASE + "FederatedStatisticsResult";
  public static final String REPORT_PROFILE = BASE + "FederatedStatisticsReport";
  static final String DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
  static final String POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population";

  private StatisticsResults() {}

  /**
   * Renders one release.
   *
   * @param study the study
   * @param sites how many sites' vectors the sum covers
   * @param results the combiners' results, in the study's order
   * @param ledger the study's ε ledger, if it uses differential privacy
   * @param date when the release was made
   * @param reporter the aggregator's name
   */
  public static Parameters render(StudyRef study, int sites, List<?> results, Optional<PrivacyLedger> ledger,
      Date date, String reporter) {
    Parameters p = new Parameters();
    p.getMeta().addProfile(RESULT_PROFILE);
    p.addParameter().setName("study").setValue(new CanonicalType(study.toString()));
    p.addParameter().setName("siteCount").setValue(new PositiveIntType(sites));
    List<ContingencyTable.Result> tables = new ArrayList<>();
    for (Object r : results) {
      if (r instanceof ContingencyTable.Result t) {
        tables.add(t);
      }
    }
    if (!tables.isEmpty()) {
      p.addParameter().setName("report").setResource(measureReport(study, sites, tables, date, reporter));
    }
    for (Object r : results) {
      ParametersParameterComponent s = p.addParameter();
      if (r instanceof ContingencyTable.Result t) {
        table(s, t);
      } else if (r instanceof NumericSummary.Result n) {
        summary(s, n);
      } else if (r instanceof WelchTest.Result w) {
        welch(s, w);
      } else if (r instanceof SurvivalAnalysis.Result k) {
        survival(s, k);
      } else if (r instanceof LogisticRegression.Result l) {
        regression(s, l);
      } else {
        throw new IllegalArgumentException("no FHIR rendering for " + r.getClass().getSimpleName());
      }
    }
    ledger.ifPresent(l -> {
      p.addParameter().setName("epsilonSpent").setValue(new DecimalType(l.spent()));
      p.addParameter().setName("epsilonBudget").setValue(new DecimalType(l.budget()));
    });
    return p;
  }

  /** Counts and cross-tabulations as a {@code MeasureReport}: one group per table. */
  public static MeasureReport measureReport(StudyRef study, int sites, List<ContingencyTable.Result> tables, Date date,
      String reporter) {
    MeasureReport m = new MeasureReport();
    m.getMeta().addProfile(REPORT_PROFILE);
    m.setStatus(MeasureReport.MeasureReportStatus.COMPLETE);
    m.setType(MeasureReport.MeasureReportType.SUMMARY);
    m.setMeasure(study.toString());
    m.setDate(date);
    // The records counted are those present at the release: the period is that instant.
    m.getPeriod().setStart(date).setEnd(date);
    m.getReporter().setDisplay(reporter);
    m.addExtension(SITE_COUNT, new PositiveIntType(sites));
    m.addExtension(STUDY, new CanonicalType(study.toString()));
    for (ContingencyTable.Result t : tables) {
      MeasureReport.MeasureReportGroupComponent g = m.addGroup();
      g.getCode().setText(t.name());
      t.epsilon().ifPresent(e -> g.addExtension(EPSILON_SPENT, new DecimalType(e)));
      MeasureReport.MeasureReportGroupPopulationComponent total = g.addPopulation().setCode(population());
      if (t.total().isPresent()) {
        total.setCount((int) t.total().getAsLong());
      } else {
        g.addExtension(SUPPRESSED, new BooleanType(true));
      }
      MeasureReport.MeasureReportGroupStratifierComponent st = g.addStratifier();
      st.addCode().setText(t.oneWay() ? t.rowVariable() : t.rowVariable() + "×" + t.columnVariable());
      for (int i = 0; i < t.rows().size(); i++) {
        if (t.oneWay()) {
          stratum(st, t.cells()[i][0], t.rowVariable(), t.rows().get(i), null, null);
          continue;
        }
        for (int j = 0; j < t.columns().size(); j++) {
          stratum(st, t.cells()[i][j], t.rowVariable(), t.rows().get(i), t.columnVariable(), t.columns().get(j));
        }
        stratum(st, t.rowTotals()[i], t.rowVariable(), t.rows().get(i), null, null);
      }
      if (!t.oneWay()) {
        for (int j = 0; j < t.columns().size(); j++) {
          stratum(st, t.columnTotals()[j], t.columnVariable(), t.columns().get(j), null, null);
        }
      }
    }
    return m;
  }

  private static void stratum(MeasureReport.MeasureReportGroupStratifierComponent st, OptionalLong count,
      String variable, String category, String variable2, String category2) {
    MeasureReport.StratifierGroupComponent s = st.addStratum();
    s.addComponent().setCode(new CodeableConcept().setText(variable)).setValue(new CodeableConcept().setText(category));
    if (variable2 != null) {
      s.addComponent().setCode(new CodeableConcept().setText(variable2))
          .setValue(new CodeableConcept().setText(category2));
    }
    MeasureReport.StratifierGroupPopulationComponent pop = s.addPopulation().setCode(population());
    if (count.isPresent()) {
      pop.setCount((int) count.getAsLong());
    } else {
      s.addExtension(SUPPRESSED, new BooleanType(true));
    }
  }

  private static CodeableConcept population() {
    return new CodeableConcept().addCoding(new Coding(POPULATION, "initial-population", "Initial Population"));
  }

  private static void table(ParametersParameterComponent s, ContingencyTable.Result t) {
    s.setName(t.name());
    s.addPart().setName("kind").setValue(new CodeType(t.oneWay() ? "counts" : "crosstab"));
    siteCount(s, t.sites());
    s.addPart().setName("report").setValue(new StringType("MeasureReport group '" + t.name() + "'"));
    count(s, "total", t.total());
    if (!t.oneWay()) {
      t.chiSquare().ifPresentOrElse(c -> {
        s.addPart().setName("chiSquare").setValue(new DecimalType(c.statistic()));
        s.addPart().setName("df").setValue(new IntegerType(c.degreesOfFreedom()));
        s.addPart().setName("pValue").setValue(new DecimalType(c.pValue()));
        s.addPart().setName("expectedBelowFive").setValue(new BooleanType(c.expectedBelowFive()));
      }, () -> {
        masked(s, "chiSquare", new DecimalType());
        masked(s, "pValue", new DecimalType());
      });
    }
    t.epsilon().ifPresent(e -> s.addPart().setName("epsilonSpent").setValue(new DecimalType(e)));
    suppressed(s, t.suppressed());
  }

  private static void summary(ParametersParameterComponent s, NumericSummary.Result r) {
    s.setName(r.name());
    s.addPart().setName("kind").setValue(new CodeType("summary"));
    siteCount(s, r.sites());
    s.addPart().setName("variable").setValue(new StringType(r.variable()));
    if (r.groupVariable() != null) {
      s.addPart().setName("groupBy").setValue(new StringType(r.groupVariable()));
    }
    s.addPart().setName("lower").setValue(new DecimalType(r.lower()));
    s.addPart().setName("upper").setValue(new DecimalType(r.upper()));
    for (NumericSummary.Group g : r.groups()) {
      ParametersParameterComponent gp = s.addPart().setName("group");
      gp.addPart().setName("category").setValue(new StringType(g.group()));
      count(gp, "count", g.count());
      decimal(gp, "mean", g.mean());
      decimal(gp, "variance", g.variance());
      decimal(gp, "sd", g.standardDeviation());
      interval(gp, "min", g.minimum());
      interval(gp, "max", g.maximum());
      for (NumericSummary.Quantile q : g.quantiles()) {
        ParametersParameterComponent qp = gp.addPart().setName("quantile");
        qp.addPart().setName("level").setValue(new DecimalType(q.level()));
        decimal(qp, "value", q.value());
      }
      for (NumericSummary.Bin b : g.histogram()) {
        ParametersParameterComponent bp = gp.addPart().setName("bin");
        bp.addPart().setName("lower").setValue(new DecimalType(b.lower()));
        bp.addPart().setName("upper").setValue(new DecimalType(b.upper()));
        count(bp, "count", b.count());
      }
      if (g.count().isPresent()) {
        count(gp, "clipped", g.clipped());
      }
    }
    r.epsilon().ifPresent(e -> s.addPart().setName("epsilonSpent").setValue(new DecimalType(e)));
    suppressed(s, r.suppressed());
  }

  /**
   * A logistic regression: n, the sites and iterations of its last round, whether it converged,
   * and per term its estimate, SE, Wald z and p-value (all masked if nothing was released).
   */
  private static void regression(ParametersParameterComponent s, LogisticRegression.Result r) {
    s.setName(r.name());
    s.addPart().setName("kind").setValue(new CodeType("logistic-regression"));
    s.addPart().setName("variable").setValue(new StringType(r.outcome()));
    count(s, "count", r.n());
    siteCount(s, r.sites());
    s.addPart().setName("iterations").setValue(new IntegerType(r.iterations()));
    s.addPart().setName("converged").setValue(new BooleanType(r.converged()));
    for (int i = 0; i < r.terms().size(); i++) {
      ParametersParameterComponent c = s.addPart().setName("coefficient");
      c.addPart().setName("name").setValue(new StringType(r.terms().get(i)));
      boolean released = r.released();
      decimal(c, "estimate", released ? OptionalDouble.of(r.coefficients()[i]) : OptionalDouble.empty());
      decimal(c, "se", released ? OptionalDouble.of(r.standardErrors()[i]) : OptionalDouble.empty());
      decimal(c, "z", released ? OptionalDouble.of(r.z(i)) : OptionalDouble.empty());
      decimal(c, "pValue", released ? OptionalDouble.of(r.pValue(i)) : OptionalDouble.empty());
    }
    suppressed(s, r.suppressed());
  }

  private static void welch(ParametersParameterComponent s, WelchTest.Result r) {
    s.setName(r.name());
    s.addPart().setName("kind").setValue(new CodeType("welch"));
    siteCount(s, r.sites());
    s.addPart().setName("variable").setValue(new StringType(r.variable()));
    s.addPart().setName("groupBy").setValue(new StringType(r.groupVariable()));
    for (WelchTest.Group g : List.of(r.a(), r.b())) {
      ParametersParameterComponent gp = s.addPart().setName("group");
      gp.addPart().setName("category").setValue(new StringType(g.group()));
      count(gp, "count", g.count());
      decimal(gp, "mean", g.mean());
      decimal(gp, "variance", g.variance());
      decimal(gp, "sd", g.variance().isPresent() ? OptionalDouble.of(Math.sqrt(g.variance().getAsDouble()))
          : OptionalDouble.empty());
    }
    r.test().ifPresentOrElse(t -> {
      s.addPart().setName("meanDifference").setValue(new DecimalType(t.meanDifference()));
      s.addPart().setName("t").setValue(new DecimalType(t.t()));
      s.addPart().setName("df").setValue(new DecimalType(t.degreesOfFreedom()));
      s.addPart().setName("pValue").setValue(new DecimalType(t.pValue()));
    }, () -> {
      masked(s, "t", new DecimalType());
      masked(s, "pValue", new DecimalType());
    });
    suppressed(s, r.suppressed());
  }

  private static void survival(ParametersParameterComponent s, SurvivalAnalysis.Result r) {
    s.setName(r.name());
    s.addPart().setName("kind").setValue(new CodeType("kaplan-meier"));
    siteCount(s, r.sites());
    s.addPart().setName("timeUnit").setValue(new CodeType(r.timeUnit()));
    if (r.groupVariable() != null) {
      s.addPart().setName("groupBy").setValue(new StringType(r.groupVariable()));
    }
    for (SurvivalAnalysis.Curve c : r.curves()) {
      ParametersParameterComponent gp = s.addPart().setName("group");
      gp.addPart().setName("category").setValue(new StringType(c.group()));
      for (SurvivalAnalysis.Step step : c.steps()) {
        ParametersParameterComponent sp = gp.addPart().setName("step");
        sp.addPart().setName("start").setValue(new DecimalType(step.start()));
        sp.addPart().setName("end").setValue(new DecimalType(step.end()));
        sp.addPart().setName("atRisk").setValue(new IntegerType(step.atRisk()));
        sp.addPart().setName("events").setValue(new IntegerType(step.events()));
        decimal(sp, "survival", finite(step.survival()));
        decimal(sp, "se", finite(step.standardError()));
      }
    }
    r.logRank().ifPresent(l -> {
      s.addPart().setName("logRankChiSquare").setValue(new DecimalType(l.chiSquare()));
      s.addPart().setName("logRankPValue").setValue(new DecimalType(l.pValue()));
    });
    s.addPart().setName("releasedUntil").setValue(new DecimalType(r.releasedUntil()));
    suppressed(s, r.suppressed());
  }

  /** How many sites contributed the statistic (passed their own disclosure checks), when any did. */
  private static void siteCount(ParametersParameterComponent s, int sites) {
    if (sites > 0) {
      s.addPart().setName("siteCount").setValue(new PositiveIntType(sites));
    }
  }

  private static OptionalDouble finite(double v) {
    return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
  }

  private static void count(ParametersParameterComponent p, String name, OptionalLong v) {
    if (v.isPresent()) {
      p.addPart().setName(name).setValue(new IntegerType(v.getAsLong()));
    } else {
      masked(p, name, new IntegerType());
    }
  }

  private static void decimal(ParametersParameterComponent p, String name, OptionalDouble v) {
    if (v.isPresent() && Double.isFinite(v.getAsDouble())) {
      p.addPart().setName(name).setValue(new DecimalType(v.getAsDouble()));
    } else {
      masked(p, name, new DecimalType());
    }
  }

  private static void interval(ParametersParameterComponent p, String name,
      Optional<NumericSummary.Interval> interval) {
    decimal(p, name + "Lower", interval.map(i -> OptionalDouble.of(i.lower())).orElse(OptionalDouble.empty()));
    decimal(p, name + "Upper", interval.map(i -> OptionalDouble.of(i.upper())).orElse(OptionalDouble.empty()));
  }

  /** A part whose value is absent: the typed value holds only {@code data-absent-reason = masked}. */
  private static void masked(ParametersParameterComponent p, String name, PrimitiveType<?> empty) {
    empty.addExtension(new Extension(DATA_ABSENT_REASON, new CodeType("masked")));
    p.addPart().setName(name).setValue(empty);
  }

  private static void suppressed(ParametersParameterComponent s, List<String> labels) {
    for (String label : labels) {
      s.addPart().setName("suppressed").setValue(new StringType(label));
    }
  }

  /** Whether a rendered value is masked (suppressed). */
  public static boolean isMasked(org.hl7.fhir.r4.model.Type value) {
    return value != null && value.hasExtension(DATA_ABSENT_REASON) && value instanceof PrimitiveType<?> p
        && !p.hasValue();
  }
}
