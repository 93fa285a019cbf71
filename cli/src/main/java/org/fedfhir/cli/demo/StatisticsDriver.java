package org.fedfhir.cli.demo;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Type;

/**
 * A statistics study over the network, as a researcher and the data stewards would run it: publish
 * {@code heart-disease-stats} at the aggregator and the hospitals, approve it at each hospital,
 * {@code POST [site]/PlanDefinition/{id}/$secure-stats} at each (the site joins), then
 * {@code POST [aggregator]/PlanDefinition/{id}/$secure-stats} (one secure-aggregation round, then one per
 * Newton iteration of the study's logistic regression). Prints and
 * records only what the aggregator released; {@code *} marks a suppressed (masked) figure.
 */
final class StatisticsDriver {
  static final String STUDY_ID = "heart-disease-stats";
  static final String DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
  static final String SUPPRESSED = "*";

  private final FhirHttp http;
  private final FhirHttp researcher;
  private final Topology topology;
  private final TrainingDriver driver;
  private final PrintStream console;

  /**
   * @param http calls to the hospitals (made as each site's data steward)
   * @param researcher calls to the aggregator, as the study's researcher (client certificate)
   */
  StatisticsDriver(FhirHttp http, FhirHttp researcher, Topology topology, TrainingDriver driver,
      PrintStream console) {
    this.http = http;
    this.researcher = researcher;
    this.topology = topology;
    this.driver = driver;
    this.console = console;
  }

  static PlanDefinition study(FhirContext ctx) {
    try (InputStream in = StatisticsDriver.class.getResourceAsStream("/studies/" + STUDY_ID + ".json")) {
      if (in == null) {
        throw new IllegalStateException("/studies/" + STUDY_ID + ".json is not on the classpath");
      }
      return ctx.newJsonParser().parseResource(PlanDefinition.class, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the study; returns the {@code statistics} part of report.json. */
  Map<String, Object> run(PlanDefinition pd) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("study", pd.getUrl() + "|" + pd.getVersion());
    String agg = topology.aggregatorFhirBase();
    String refusal = null;
    if (agg == null) {
      refusal = "this build's aggregator has no FHIR endpoint";
    } else {
      FhirHttp.Answer a = researcher.put(agg, pd);
      if (!a.ok()) {
        refusal = "the aggregator refused the study: " + http.describe(a);
      }
    }
    if (refusal == null) {
      Map<String, String> refused = driver.publishAndApprove(pd);
      refusal = refused.isEmpty() ? null : "hospitals refused the study: " + TrainingDriver.describe(refused);
    }
    if (refusal == null) {
      // each site's data steward joins it to the run
      TrainingDriver.SiteCalls joins = driver.stewardsPost(STUDY_ID, "$secure-stats");
      List<String> joined = joins.accepted();
      console.println(joins.line("joined"));
      out.put("joined", joined);
      FhirHttp.Answer r = researcher.post(agg + "/PlanDefinition/" + STUDY_ID + "/$secure-stats", new Parameters());
      if (!r.ok()) {
        refusal = "the aggregator released nothing: " + http.describe(r);
      } else {
        Parameters released = http.parse(Parameters.class, r.body());
        out.put("status", "completed");
        out.putAll(json(released));
        print(released);
        return out;
      }
    }
    out.put("status", "not-run");
    out.put("reason", refusal);
    console.println("  not run: " + refusal);
    return out;
  }

  /** The released Parameters as plain JSON values: site count, and one entry per statistic. */
  static Map<String, Object> json(Parameters p) {
    Map<String, Object> out = new LinkedHashMap<>();
    MeasureReport report = null;
    List<Object> results = new ArrayList<>();
    for (ParametersParameterComponent c : p.getParameter()) {
      switch (c.getName()) {
        case "study" -> { }
        case "siteCount" -> out.put("siteCount", value(c.getValue()));
        case "report" -> report = (MeasureReport) c.getResource();
        case "epsilonSpent", "epsilonBudget" -> out.put(c.getName(), value(c.getValue()));
        default -> {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("name", c.getName());
          s.putAll(parts(c.getPart()));
          results.add(s);
        }
      }
    }
    if (report != null) {
      for (Object o : results) {
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) o;
        for (MeasureReport.MeasureReportGroupComponent g : report.getGroup()) {
          if (g.getCode().getText() != null && g.getCode().getText().equals(s.get("name"))) {
            s.put("cells", cells(g));
          }
        }
      }
    }
    out.put("suppressedMarker", SUPPRESSED + " = suppressed or masked (disclosure control)");
    out.put("results", results);
    return out;
  }

  /** A group's strata as {@code "cp=1, diagnosis=0" → count} (or {@code "*"} when suppressed). */
  static Map<String, Object> cells(MeasureReport.MeasureReportGroupComponent g) {
    Map<String, Object> cells = new LinkedHashMap<>();
    for (MeasureReport.MeasureReportGroupStratifierComponent st : g.getStratifier()) {
      for (MeasureReport.StratifierGroupComponent s : st.getStratum()) {
        List<String> key = new ArrayList<>();
        s.getComponent().forEach(c -> key.add(c.getCode().getText() + "=" + c.getValue().getText()));
        boolean has = !s.getPopulation().isEmpty() && s.getPopulationFirstRep().hasCount();
        cells.put(String.join(", ", key), has ? (Object) s.getPopulationFirstRep().getCount() : SUPPRESSED);
      }
    }
    return cells;
  }

  private static Map<String, Object> parts(List<ParametersParameterComponent> parts) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (ParametersParameterComponent part : parts) {
      Object v = part.hasPart() ? parts(part.getPart()) : value(part.getValue());
      boolean repeated = part.getName().equals("group") || part.getName().equals("bin")
          || part.getName().equals("quantile") || part.getName().equals("suppressed") || part.getName().equals("step")
          || part.getName().equals("coefficient");
      if (repeated) {
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) m.computeIfAbsent(part.getName() + "s", k -> new ArrayList<>());
        list.add(v);
      } else {
        m.put(part.getName(), v);
      }
    }
    return m;
  }

  static Object value(Type t) {
    if (t == null) {
      return null;
    }
    if (t.getExtensionByUrl(DATA_ABSENT_REASON) != null) {
      return SUPPRESSED;
    }
    if (t instanceof DecimalType d) {
      return d.getValue() == null ? null : d.getValue().doubleValue();
    }
    if (t instanceof IntegerType i) {
      return i.getValue();
    }
    if (t instanceof PrimitiveType<?> p) {
      return p.getValueAsString();
    }
    return t.toString();
  }

  /** The console lines: per statistic its released figures. */
  void print(Parameters released) {
    Map<String, Object> j = json(released);
    console.println("  released by the aggregator from " + j.get("siteCount") + " sites (" + SUPPRESSED
        + " = suppressed):");
    for (Object o : (List<?>) j.get("results")) {
      for (String line : lines((Map<?, ?>) o)) {
        console.println("  " + line);
      }
    }
  }

  /** Text lines for one statistic (package-private for the tests). */
  static List<String> lines(Map<?, ?> s) {
    List<String> lines = new ArrayList<>();
    String kind = String.valueOf(s.get("kind"));
    String name = String.valueOf(s.get("name"));
    switch (kind) {
      case "crosstab", "counts" -> {
        Map<?, ?> cells = s.get("cells") instanceof Map<?, ?> m ? m : Map.of();
        List<String> rows = new ArrayList<>();
        List<String> cols = new ArrayList<>();
        for (Object k : cells.keySet()) {
          String[] f = String.valueOf(k).split(", ");
          if (f.length == 2) {
            if (!rows.contains(f[0])) {
              rows.add(f[0]);
            }
            if (!cols.contains(f[1])) {
              cols.add(f[1]);
            }
          }
        }
        lines.add(name + " (" + kind + ", total " + fmt(s.get("total")) + ")");
        StringBuilder head = new StringBuilder(String.format("  %-8s", ""));
        cols.forEach(c -> head.append(String.format(" %12s", c)));
        head.append(String.format(" %8s", "total"));
        lines.add(head.toString());
        for (String r : rows) {
          StringBuilder b = new StringBuilder(String.format("  %-8s", r));
          cols.forEach(c -> b.append(String.format(" %12s", fmt(cells.get(r + ", " + c)))));
          b.append(String.format(" %8s", fmt(cells.get(r))));
          lines.add(b.toString());
        }
        if (s.containsKey("chiSquare")) {
          lines.add("  Pearson chi-square = " + fmt(s.get("chiSquare")) + ", df = " + fmt(s.get("df")) + ", p = "
              + pval(s.get("pValue")));
        }
        if (s.get("suppresseds") instanceof List<?> sup) {
          // a table the sites withheld says so, not only its masked cells
          sup.stream().map(String::valueOf).filter(l -> l.startsWith("withheld")).forEach(l -> lines.add("  " + l));
        }
      }
      case "summary", "welch" -> {
        lines.add(name + " (" + kind + ": " + s.get("variable")
            + (s.get("groupBy") == null ? "" : " by " + s.get("groupBy")) + ")");
        Object groups = s.get("groups");
        if (groups instanceof List<?> gs) {
          for (Object g : gs) {
            Map<?, ?> gm = (Map<?, ?>) g;
            lines.add(String.format(Locale.ROOT, "  %-12s n = %s, mean = %s, SD = %s", "group " + gm.get("category"),
                fmt(gm.get("count")), fmt(gm.get("mean")), fmt(gm.get("sd"))));
          }
        }
        if ("welch".equals(kind)) {
          lines.add("  difference = " + fmt(s.get("meanDifference")) + ", t = " + fmt(s.get("t")) + ", df = "
              + fmt(s.get("df")) + ", p = " + pval(s.get("pValue")));
        }
        if (s.get("suppresseds") instanceof List<?> sup && !sup.isEmpty()) {
          lines.add("  suppressed: " + sup);
        }
      }
      case "logistic-regression" -> {
        lines.add(name + " (logistic regression of " + s.get("variable") + ": n = " + fmt(s.get("count")) + ", "
            + fmt(s.get("siteCount")) + " sites, " + fmt(s.get("iterations")) + " Newton iterations"
            + ("true".equals(String.valueOf(s.get("converged"))) ? ", converged" : ", NOT converged") + ")");
        lines.add(String.format(Locale.ROOT, "  %-12s %10s %10s %8s %10s", "term", "estimate", "SE", "z", "p"));
        if (s.get("coefficients") instanceof List<?> cs) {
          for (Object c : cs) {
            Map<?, ?> cm = (Map<?, ?>) c;
            lines.add(String.format(Locale.ROOT, "  %-12s %10s %10s %8s %10s", cm.get("name"),
                coefficient(cm.get("estimate")), coefficient(cm.get("se")), fmt(cm.get("z")), pval(cm.get("pValue"))));
          }
        }
        if (s.get("suppresseds") instanceof List<?> sup && !sup.isEmpty()) {
          lines.add("  not released: " + sup);
        }
      }
      default -> lines.add(name + " (" + kind + ")");
    }
    return lines;
  }

  static String fmt(Object v) {
    if (v instanceof Double d) {
      return Math.abs(d) >= 1000 || d == Math.rint(d) && Math.abs(d) < 1e6
          ? String.format(Locale.ROOT, "%.1f", d) : String.format(Locale.ROOT, "%.3f", d);
    }
    return v == null ? "—" : String.valueOf(v);
  }

  private static String coefficient(Object v) {
    return v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : fmt(v);
  }

  private static String pval(Object v) {
    return v instanceof Double d ? String.format(Locale.ROOT, "%.2e", d) : fmt(v);
  }
}
