package org.fedfhir.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link DemoReport}: the console table, {@code report.json} and a self-contained HTML page
 * with the training curves as inline SVG. Figures the demo did not measure are printed as "—", never
 * filled in; FLamby's figures are labelled as published.
 */
public final class ReportWriter {
  static final String FLAMBY_SOURCE = "FLamby (Ogier du Terrail et al., NeurIPS 2022), owkin/FLamby @ edacf54, "
      + "MIT; mean over 5 seeds of its published heart_seed42..46.csv";
  private static final String[] COLOURS = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"};

  private ReportWriter() {}

  /** The results table: one row per strategy, pooled and FLamby; columns per centre and the mean. */
  public static String table(DemoReport r) {
    List<String> header = new ArrayList<>(List.of("", "secure agg."));
    r.centres().forEach(c -> header.add(c));
    header.add("mean");
    List<List<String>> rows = new ArrayList<>();
    for (StrategyResult s : r.strategies()) {
      List<String> row = new ArrayList<>(List.of(s.name(), s.secureAggregation() ? "yes" : "-"));
      if (s.outcome() == StrategyResult.Outcome.NOT_RUN) {
        r.centres().forEach(c -> row.add("—"));
        row.add("not run");
      } else {
        r.centres().forEach(c -> row.add(fmt(s.perCentre().get(c))));
        row.add(fmt(s.meanTestAccuracy(r.centres())) + (s.outcome() == StrategyResult.Outcome.FAILED ? " (failed)" : ""));
      }
      rows.add(row);
    }
    List<String> pooled = new ArrayList<>(List.of("pooled (reference, rows pooled)", "-"));
    r.centres().forEach(c -> pooled.add(fmt(r.pooledPerCentre().get(c))));
    pooled.add(fmt(r.pooledMeanTestAccuracy()));
    rows.add(pooled);
    rows.add(null); // separator
    for (String[] m : flambyRows()) {
      Map<String, Double> per = m[1].equals("local") ? r.flamby().localOnlyPerCentre() : r.flamby().perCentre(m[1]);
      if (per.isEmpty()) {
        continue;
      }
      List<String> row = new ArrayList<>(List.of(m[0], "-"));
      r.centres().forEach(c -> row.add(fmt(per.get(c))));
      row.add(fmt(StrategyResult.mean(per, r.centres())));
      rows.add(row);
    }
    return render(header, rows);
  }

  static String[][] flambyRows() {
    return new String[][] {
        {"FLamby published: local only (own test set)", "local"},
        {"FLamby published: FedAvg", "FedAvg100"},
        {"FLamby published: FedAdagrad", "FedAdagrad100"},
        {"FLamby published: FedAdam", "FedAdam100"},
        {"FLamby published: FedYogi", "FedYogi100"},
        {"FLamby published: pooled", "Pooled Training"}};
  }

  /** Where the time went: one line per phase and the total. */
  public static String phases(DemoReport r) {
    StringBuilder sb = new StringBuilder();
    double total = r.totalSeconds();
    Map<?, ?> cpu = r.settings().get(CPU_SECONDS_PER_PHASE) instanceof Map<?, ?> m ? m : Map.of();
    int width = r.phases().keySet().stream().mapToInt(String::length).max().orElse(5);
    r.phases().forEach((phase, s) -> {
      sb.append(String.format(Locale.ROOT, "  %-" + width + "s %7.1f s  %3.0f %%", phase, s,
          total > 0 ? 100 * s / total : 0));
      if (cpu.get(phase) instanceof Number c) {
        sb.append(String.format(Locale.ROOT, "  %7.1f CPU-s", c.doubleValue()));
      }
      sb.append(System.lineSeparator());
    });
    sb.append(String.format(Locale.ROOT, "  %-" + width + "s %7.1f s", "total", total));
    if (!cpu.isEmpty()) {
      double cpuTotal = cpu.values().stream().filter(Number.class::isInstance)
          .mapToDouble(v -> ((Number) v).doubleValue()).sum();
      sb.append(String.format(Locale.ROOT, "         %7.1f CPU-s (the demo's JVM)", cpuTotal));
    }
    sb.append(System.lineSeparator());
    return sb.toString();
  }

  /**
   * The key in the report's settings of the CPU-seconds the demo's JVM spent per phase (every party in
   * it with {@code --isolation context}): what a phase costs, whatever else shares the cores.
   */
  static final String CPU_SECONDS_PER_PHASE = "cpuSecondsPerPhase";

  private static String render(List<String> header, List<List<String>> rows) {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = header.get(i).length();
    }
    for (List<String> row : rows) {
      if (row != null) {
        for (int i = 0; i < w.length; i++) {
          w[i] = Math.max(w[i], row.get(i).length());
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, w);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < w.length; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(w[i]));
    }
    sb.append(rule).append('\n');
    for (List<String> row : rows) {
      if (row == null) {
        sb.append(rule).append('\n');
      } else {
        line(sb, row, w);
      }
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] w) {
    for (int i = 0; i < w.length; i++) {
      String c = cells.get(i);
      sb.append(i == 0 ? "" : " | ").append(i < 2 ? pad(c, w[i]) : padLeft(c, w[i]));
    }
    sb.append('\n');
  }

  private static String pad(String s, int w) {
    return s + " ".repeat(Math.max(0, w - s.length()));
  }

  private static String padLeft(String s, int w) {
    return " ".repeat(Math.max(0, w - s.length())) + s;
  }

  static String fmt(Double v) {
    return v == null || v.isNaN() ? "—" : String.format(Locale.ROOT, "%.3f", v);
  }

  /** The JSON document of {@code report.json} (field names as in issue 5). */
  public static Map<String, Object> json(DemoReport r) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("startedAt", r.startedAt().toString());
    root.put("data", "UCI Heart Disease (CC BY 4.0; Janosi, Steinbrunn, Pfisterer, Detrano), one hospital per centre");
    root.put("metric", "test accuracy at 0.5 on each site's own seeded stratified test split; mean = mean over centres");
    root.put("centres", r.centres());
    List<Object> strategies = new ArrayList<>();
    for (StrategyResult s : r.strategies()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("code", s.code());
      m.put("secureAggregation", s.secureAggregation());
      m.put("status", s.outcome().code());
      if (s.reason() != null) {
        m.put("reason", s.reason());
      }
      m.put("meanTestAccuracy", num(s.meanTestAccuracy(r.centres())));
      Map<String, Object> per = new LinkedHashMap<>();
      s.perCentre().forEach((c, v) -> per.put(c, num(v)));
      m.put("perCentre", per);
      if (s.secureAggregation()) {
        List<Object> curve = new ArrayList<>();
        for (StrategyResult.RoundPoint p : s.curve()) {
          Map<String, Object> point = new LinkedHashMap<>();
          point.put("round", p.round());
          point.put("networkAccuracy", num(p.networkAccuracy()));
          curve.add(point);
        }
        m.put("rounds", curve);
      }
      strategies.add(m);
    }
    root.put("strategies", strategies);
    root.put("pooledMeanTestAccuracy", num(r.pooledMeanTestAccuracy()));
    Map<String, Object> pooled = new LinkedHashMap<>();
    pooled.put("note", "reference only: computed by the demo in its own memory on the four centres' rows pooled "
        + "(same features, preprocessing and per-centre split as the sites); never sent anywhere");
    Map<String, Object> pooledPer = new LinkedHashMap<>();
    r.pooledPerCentre().forEach((c, v) -> pooledPer.put(c, num(v)));
    pooled.put("perCentre", pooledPer);
    root.put("pooled", pooled);
    Map<String, Object> flamby = new LinkedHashMap<>();
    flamby.put("source", FLAMBY_SOURCE);
    flamby.put("note", "published figures on FLamby's own split (rows with a missing value dropped), not measured here");
    flamby.put("pooledMeanTestAccuracy", num(r.flamby().mean("Pooled Training")));
    flamby.put("fedAvgMeanTestAccuracy", num(r.flamby().mean("FedAvg100")));
    flamby.put("bestFederatedMeanTestAccuracy", num(r.flamby().mean("FedAdagrad100")));
    Map<String, Object> methods = new LinkedHashMap<>();
    for (String m : r.flamby().methods()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("meanTestAccuracy", num(r.flamby().mean(m)));
      Map<String, Object> per = new LinkedHashMap<>();
      r.flamby().perCentre(m).forEach((c, v) -> per.put(c, num(v)));
      e.put("perCentre", per);
      methods.put(m, e);
    }
    flamby.put("methods", methods);
    root.put("flamby", flamby);
    Map<String, Object> timings = new LinkedHashMap<>();
    r.phases().forEach((k, v) -> timings.put(k, Math.round(v * 10) / 10.0));
    root.put("timingsSeconds", timings);
    root.put("totalSeconds", Math.round(r.totalSeconds() * 10) / 10.0);
    if (!r.inference().isEmpty()) {
      root.put("inference", r.inference());
    }
    if (!r.statistics().isEmpty()) {
      root.put("statistics", r.statistics());
    }
    root.put("settings", r.settings());
    return root;
  }

  private static Object num(Double v) {
    return v == null || v.isNaN() || v.isInfinite() ? null : v;
  }

  public static String jsonText(DemoReport r) {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json(r));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A self-contained page: the table and the curves (network accuracy per round, inline SVG). */
  public static String html(DemoReport r) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>FedFHIR demo</title>\n")
        .append("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}")
        .append("pre{background:#f6f6f6;padding:1em;overflow-x:auto}small{color:#555}</style></head><body>\n")
        .append("<h1>FedFHIR demo: heart disease across four hospitals</h1>\n")
        .append("<p>Logistic regression on the 10 FLamby features of the UCI Heart Disease data (CC BY 4.0; ")
        .append("Janosi, Steinbrunn, Pfisterer, Detrano), one HAPI FHIR server per centre. Started ")
        .append(esc(r.startedAt().toString())).append(".</p>\n")
        .append("<h2>Training curves</h2>\n").append(svg(r))
        .append("<p><small>Network accuracy: the final global model's test accuracy over all sites' test rows, ")
        .append("from securely aggregated confusion counts, as each round's Task showed it. Dashed: pooled ")
        .append("reference (computed by the demo) and FLamby's published pooled figure.</small></p>\n")
        .append("<h2>Test accuracy per centre</h2>\n<pre>").append(esc(table(r))).append("</pre>\n")
        .append("<h2>Where the time went</h2>\n<pre>").append(esc(phases(r))).append("</pre>\n")
        .append("<p><small>").append(esc(FLAMBY_SOURCE)).append(". Pooled and FLamby rows are references, ")
        .append("not results of federated training.</small></p>\n</body></html>\n");
    return sb.toString();
  }

  static String svg(DemoReport r) {
    int width = 720;
    int height = 360;
    int left = 56;
    int right = 170;
    int top = 16;
    int bottom = 40;
    List<StrategyResult> curves = r.strategies().stream()
        .filter(s -> s.curve().stream().anyMatch(p -> !Double.isNaN(p.networkAccuracy())))
        .toList();
    int maxRound = Math.max(1, curves.stream().flatMap(s -> s.curve().stream())
        .mapToInt(StrategyResult.RoundPoint::round).max().orElse(1));
    double lo = 0.5;
    double hi = 0.9;
    for (StrategyResult s : curves) {
      for (StrategyResult.RoundPoint p : s.curve()) {
        if (!Double.isNaN(p.networkAccuracy())) {
          lo = Math.min(lo, Math.floor(p.networkAccuracy() * 10) / 10);
          hi = Math.max(hi, Math.ceil(p.networkAccuracy() * 10) / 10);
        }
      }
    }
    double plotW = width - left - right;
    double plotH = height - top - bottom;
    final double yLo = lo;
    final double ySpan = hi - lo;
    java.util.function.DoubleUnaryOperator yOf = v -> top + plotH * (1 - (v - yLo) / ySpan);
    java.util.function.IntToDoubleFunction xOf = round -> left + plotW * (maxRound == 1 ? 0.5 : (round - 1) / (double) (maxRound - 1));

    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", width, height, width, height));
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>\n",
        left, top, plotW, plotH));
    for (double t = lo; t <= hi + 1e-9; t += 0.1) {
      double y = yOf.applyAsDouble(t);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n", left, left + plotW, y, y, left - 6, y + 4, t));
    }
    int step = Math.max(1, maxRound / 10);
    for (int round = 1; round <= maxRound; round += step) {
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
          xOf.applyAsDouble(round), height - bottom + 16, round));
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">round</text>\n",
        left + plotW / 2, height - 6));
    sb.append(String.format(Locale.ROOT, "<text transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\">"
        + "network accuracy</text>\n", top + plotH / 2));
    int legendY = top + 10;
    double pooled = r.pooledMeanTestAccuracy();
    double flambyPooled = r.flamby().mean("Pooled Training");
    legendY = reference(sb, pooled, "pooled (demo)", "#444", yOf, left, plotW, legendY, lo, hi);
    legendY = reference(sb, flambyPooled, "FLamby pooled", "#aaa", yOf, left, plotW, legendY, lo, hi);
    int i = 0;
    for (StrategyResult s : curves) {
      String colour = COLOURS[i++ % COLOURS.length];
      StringBuilder points = new StringBuilder();
      for (StrategyResult.RoundPoint p : s.curve()) {
        if (!Double.isNaN(p.networkAccuracy())) {
          points.append(String.format(Locale.ROOT, "%.1f,%.1f ", xOf.applyAsDouble(p.round()),
              yOf.applyAsDouble(p.networkAccuracy())));
        }
      }
      sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"")
          .append(points.toString().trim()).append("\"/>\n");
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
          + "<text x=\"%d\" y=\"%d\">%s</text>\n", width - right + 10, width - right + 30, legendY, legendY, colour,
          width - right + 36, legendY + 4, esc(s.name())));
      legendY += 18;
    }
    if (curves.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">no federated run "
          + "reported a network accuracy</text>\n", left + plotW / 2, top + plotH / 2));
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static int reference(StringBuilder sb, double v, String label, String colour,
      java.util.function.DoubleUnaryOperator yOf, int left, double plotW, int legendY, double lo, double hi) {
    if (Double.isNaN(v) || v < lo || v > hi) {
      return legendY;
    }
    double y = yOf.applyAsDouble(v);
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
        + "stroke-dasharray=\"6 4\"/>\n", left, left + plotW, y, y, colour));
    int lx = (int) (left + plotW) + 10;
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" "
        + "stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%d\">%s %.3f</text>\n", lx, lx + 20, legendY, legendY, colour,
        lx + 26, legendY + 4, esc(label), v));
    return legendY + 18;
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** Writes {@code report.json} and {@code report.html} into {@code dir}; returns their paths. */
  public static List<Path> write(DemoReport r, Path dir) {
    try {
      Files.createDirectories(dir);
      Path json = dir.resolve("report.json");
      Path html = dir.resolve("report.html");
      Files.writeString(json, jsonText(r), StandardCharsets.UTF_8);
      Files.writeString(html, html(r), StandardCharsets.UTF_8);
      return List.of(json, html);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
