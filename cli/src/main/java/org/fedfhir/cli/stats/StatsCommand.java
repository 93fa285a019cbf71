package org.fedfhir.cli.stats;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.loader.HeartDiseaseRow;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.crypto.SecretBytes;
import org.fedfhir.securecompute.secagg.LocalRound;
import org.fedfhir.securecompute.secagg.SecAggConfig;
import org.fedfhir.securecompute.secagg.Stage;
import org.fedfhir.securecompute.statistics.ContingencyTable;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.InProcessStatisticsRound;
import org.fedfhir.securecompute.statistics.LogisticRegression;
import org.fedfhir.securecompute.statistics.NumericSummary;
import org.fedfhir.securecompute.statistics.PrivacyLedger;
import org.fedfhir.securecompute.statistics.Release;
import org.fedfhir.securecompute.statistics.StatisticsEncoding;
import org.fedfhir.securecompute.statistics.SufficientStatistic;
import org.fedfhir.securecompute.statistics.WelchTest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir stats …}: statistics studies computed by secure aggregation (Bonawitz et al.,
 * CCS 2017) of the sites' local sufficient statistics ({@code secure-compute}, package
 * {@code statistics}). The researcher sees only the released totals; no site's figures are
 * printed or kept.
 */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = "Secure statistics across sites: only totals are released, small counts suppressed.",
    subcommands = {StatsCommand.HeartDisease.class})
public final class StatsCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * {@code ./fedfhir stats heart-disease}: the four UCI Heart Disease centres as four in-process
   * sites; four analyses (diagnosis by chest-pain type with Pearson's chi-square, cholesterol
   * summary by sex, Welch's t-test of maximum heart rate by diagnosis, and a logistic regression of
   * the diagnosis with standard errors) through one real secure-aggregation round
   * ({@link LocalRound}) and one more per Newton iteration of the regression, printed as released.
   */
  @Command(
      name = "heart-disease",
      mixinStandardHelpOptions = true,
      description = "Run the heart-disease statistics study across the 4 UCI centres as 4 in-process sites.")
  public static final class HeartDisease implements Callable<Integer> {

    static final String STUDY = "http://fedfhir.org/fhir/PlanDefinition/heart-disease-stats";

    /** Diagnosis (num &gt; 0) by chest-pain type, Pearson's chi-square. */
    public static final ContingencyTable CP_BY_DIAGNOSIS = new ContingencyTable("cp-by-diagnosis", "cp",
        List.of("1", "2", "3", "4"), "diagnosis", List.of("0", "1"));
    /** Serum cholesterol (mg/dL) by sex, bounds [80, 640]. */
    public static final NumericSummary CHOL_BY_SEX = new NumericSummary("chol-by-sex", "chol", "sex",
        List.of("0", "1"), 80, 640, new double[] {80, 160, 200, 220, 240, 260, 280, 300, 320, 340, 360, 400, 640},
        new double[] {0.25, 0.5, 0.75});
    /** Maximum heart rate (/min) by diagnosis, bounds [60, 210]. */
    public static final WelchTest THALACH_BY_DIAGNOSIS = new WelchTest("thalach-by-diagnosis", "thalach",
        "diagnosis", "1", "0", 60, 210);
    /** Diagnosis ~ age + sex + max heart rate + exercise angina + ST depression, by federated Newton. */
    public static final LogisticRegression DIAGNOSIS_MODEL = new LogisticRegression("diagnosis-model", "diagnosis",
        List.of("age", "sex", "thalach", "exang", "oldpeak"), new double[] {18, 0, 50, 0, -3},
        new double[] {100, 1, 220, 1, 7});

    @Option(names = "--min-count", description = "the study's minimum cell count (default ${DEFAULT-VALUE}); "
        + "each site's own minimum (5) applies too: the stricter wins")
    int minCount = DisclosurePolicy.DEFAULT_MIN_CELL_COUNT;

    @Option(names = "--epsilon", description = "add differential-privacy noise to the counts and the "
        + "cholesterol summary, spending this ε on each of the two (default: no noise)")
    Double epsilon;

    @Option(names = "--budget", description = "the study's total ε budget (default ${DEFAULT-VALUE})")
    double budget = 1.0;

    @Option(names = "--drop", description = "a centre that drops out after sharing its keys "
        + "(cleveland | hungarian | switzerland | va): the totals then cover the other three")
    String drop;

    @Option(names = "--max-records-per-site", description = "declared bound on records per site, "
        + "sizes the fixed-point encoding (default ${DEFAULT-VALUE})")
    int maxRecordsPerSite = 1_000_000;

    @Override
    public Integer call() {
      PrintStream out = System.out;
      SecureRandom random = new SecureRandom();
      LogisticRegression.Fit fit = DIAGNOSIS_MODEL.fit();
      List<SufficientStatistic<?, ?>> statistics = List.of(CP_BY_DIAGNOSIS, CHOL_BY_SEX, THALACH_BY_DIAGNOSIS,
          fit.next());
      StatisticsEncoding encoding = StatisticsEncoding.forStudy(statistics, maxRecordsPerSite, 16);
      Map<Integer, Ed25519.KeyPair> keys = LocalRound.signingKeys(4, random);
      SecAggConfig config = config(keys, keys.keySet(), encoding);

      // each site encodes its own records; nothing of it is printed
      Map<Integer, List<double[]>> vectors = new TreeMap<>();
      Map<Integer, List<LogisticRegression.Row>> regressionRows = new TreeMap<>();
      Map<Integer, Stage> dropouts = new HashMap<>();
      HeartDiseaseCentre[] centres = HeartDiseaseCentre.values();
      for (int s = 0; s < centres.length; s++) {
        List<HeartDiseaseRow> rows = HeartDiseaseRow.read(centres[s]);
        regressionRows.put(s + 1, regressionRows(rows));
        vectors.put(s + 1, siteVectors(rows, fit, regressionRows.get(s + 1)));
        if (drop != null && HeartDiseaseCentre.fromCode(drop) == centres[s]) {
          dropouts.put(s + 1, Stage.MASKED_INPUT);
        }
      }
      long start = System.nanoTime();
      InProcessStatisticsRound.Outcome outcome =
          new InProcessStatisticsRound(config, signing(keys), encoding, random).run(0, vectors, dropouts);
      double millis = (System.nanoTime() - start) / 1e6;

      DisclosurePolicy policy = DisclosurePolicy.strictest(DisclosurePolicy.minCellCount(minCount),
          List.of(DisclosurePolicy.defaults(), DisclosurePolicy.defaults(), DisclosurePolicy.defaults(),
              DisclosurePolicy.defaults()));
      Release release = Release.of(policy, outcome.sites());
      Release counted = release;
      PrivacyLedger ledger = null;
      if (epsilon != null) {
        ledger = new PrivacyLedger(STUDY, budget);
        counted = release.withPrivacy(ledger, epsilon, random);
      }
      out.printf(Locale.ROOT, "Study %s%n", STUDY);
      out.printf(Locale.ROOT, "Sites in the sum: %d of 4 (UCI Heart Disease centres as in-process sites)%s%n",
          outcome.sites(), dropouts.isEmpty() ? "" : "; " + drop + " dropped out: totals of the other sites");
      out.printf(Locale.ROOT, "Secure aggregation: Bonawitz et al. 2017, t = %d, %d numbers mod 2^64, "
          + "%d fractional bits (sums exact to %.1e), %.0f ms%n", config.threshold(), encoding.length(),
          encoding.codec().fractionalBits(), outcome.errorBound(), millis);
      out.printf(Locale.ROOT, "Disclosure control: minimum cell count %d (study %d, sites 5; stricter wins)%s%n%n",
          policy.minCellCount(), minCount, epsilon == null ? ""
              : String.format(Locale.ROOT, "; differential privacy ε = %.3g per release, budget %.3g", epsilon, budget));

      StatsPrinter printer = new StatsPrinter(out);
      printer.table(CP_BY_DIAGNOSIS.combine(outcome.sums().get(0), counted));
      printer.summary(CHOL_BY_SEX.combine(outcome.sums().get(1), counted));
      printer.welch(THALACH_BY_DIAGNOSIS.combine(outcome.sums().get(2), release));

      // the regression: one more secure-aggregation round per Newton iteration, among the same sites
      fit.accept(outcome.sums().get(3), release);
      long round = 1;
      start = System.nanoTime();
      while (!fit.done()) {
        StatisticsEncoding iteration = StatisticsEncoding.forStudy(List.of(fit.next()), maxRecordsPerSite, 16);
        Map<Integer, List<double[]>> parts = new TreeMap<>();
        for (int site : outcome.contributors()) {
          parts.put(site, List.of(fit.next().encode(regressionRows.get(site))));
        }
        InProcessStatisticsRound.Outcome next = new InProcessStatisticsRound(
            config(keys, outcome.contributors(), iteration), signing(keys), iteration, random)
            .run(round++, parts, Map.of());
        fit.accept(next.sums().get(0), Release.of(policy, next.sites()));
      }
      printer.regression(fit.result(), (System.nanoTime() - start) / 1e6);
      if (ledger != null) {
        out.printf(Locale.ROOT, "ε spent: %.3g of %.3g (%s)%n", ledger.spent(), ledger.budget(),
            ledger.entries().stream().map(e -> e.statistic() + " " + e.epsilon()).toList());
      }
      return 0;
    }

    private static SecAggConfig config(Map<Integer, Ed25519.KeyPair> keys, java.util.Collection<Integer> sites,
        StatisticsEncoding encoding) {
      SecAggConfig.Builder builder = SecAggConfig.builder().study(STUDY).vectorLength(encoding.length())
          .modulusBits(StatisticsEncoding.MODULUS_BITS);
      sites.forEach(s -> builder.site(s, keys.get(s).publicKey()));
      return builder.build();
    }

    private static Map<Integer, SecretBytes> signing(Map<Integer, Ed25519.KeyPair> keys) {
      Map<Integer, SecretBytes> signing = new HashMap<>();
      keys.forEach((s, k) -> signing.put(s, k.privateKey()));
      return signing;
    }

    static List<LogisticRegression.Row> regressionRows(List<HeartDiseaseRow> rows) {
      List<LogisticRegression.Row> out = new ArrayList<>();
      for (HeartDiseaseRow row : rows) {
        double[] x = DIAGNOSIS_MODEL.features().stream().mapToDouble(row::get).toArray();
        out.add(new LogisticRegression.Row(x, row.label()));
      }
      return out;
    }

    static List<double[]> siteVectors(List<HeartDiseaseRow> rows, LogisticRegression.Fit fit,
        List<LogisticRegression.Row> regressionRows) {
      List<double[]> vectors = new ArrayList<>(siteVectors(rows));
      vectors.add(fit.next().encode(regressionRows));
      return vectors;
    }

    static List<double[]> siteVectors(List<HeartDiseaseRow> rows) {
      List<ContingencyTable.Entry> cp = new ArrayList<>();
      List<NumericSummary.Value> chol = new ArrayList<>();
      List<NumericSummary.Value> thalach = new ArrayList<>();
      for (HeartDiseaseRow row : rows) {
        String diagnosis = Integer.toString(row.label());
        cp.add(new ContingencyTable.Entry(category(row.get("cp")), diagnosis));
        chol.add(new NumericSummary.Value(category(row.get("sex")), row.get("chol")));
        thalach.add(new NumericSummary.Value(diagnosis, row.get("thalach")));
      }
      return List.of(CP_BY_DIAGNOSIS.encode(cp), CHOL_BY_SEX.encode(chol), THALACH_BY_DIAGNOSIS.encode(thalach));
    }

    private static String category(double v) {
      return Double.isNaN(v) ? null : Long.toString(Math.round(v));
    }
  }

  /** Prints released results as tables; suppressed figures as {@code *}. */
  static final class StatsPrinter {
    private final PrintStream out;

    StatsPrinter(PrintStream out) {
      this.out = out;
    }

    void table(ContingencyTable.Result r) {
      out.printf(Locale.ROOT, "== %s: %s by %s (%d sites)%n", r.name(), r.rowVariable(), r.columnVariable(), r.sites());
      StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-10s", r.rowVariable()));
      for (String c : r.columns()) {
        header.append(String.format(Locale.ROOT, "%12s", r.columnVariable() + "=" + c));
      }
      header.append(String.format(Locale.ROOT, "%12s", "total"));
      out.println(header);
      for (int i = 0; i < r.rows().size(); i++) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-10s", r.rows().get(i)));
        for (int j = 0; j < r.columns().size(); j++) {
          line.append(String.format(Locale.ROOT, "%12s", count(r.cells()[i][j])));
        }
        line.append(String.format(Locale.ROOT, "%12s", count(r.rowTotals()[i])));
        out.println(line);
      }
      StringBuilder totals = new StringBuilder(String.format(Locale.ROOT, "%-10s", "total"));
      for (OptionalLong c : r.columnTotals()) {
        totals.append(String.format(Locale.ROOT, "%12s", count(c)));
      }
      totals.append(String.format(Locale.ROOT, "%12s", count(r.total())));
      out.println(totals);
      r.chiSquare().ifPresentOrElse(
          chi -> out.printf(Locale.ROOT, "Pearson chi-square = %.4f, df = %d, p = %.3g%s%n", chi.statistic(),
              chi.degreesOfFreedom(), chi.pValue(), chi.expectedBelowFive() ? " (some expected counts < 5)" : ""),
          () -> out.println("Pearson chi-square: not released (derived from suppressed cells)"));
      suppressed(r.suppressed());
      r.epsilon().ifPresent(e -> out.printf(Locale.ROOT, "differentially private: ε = %.3g%n", e));
      out.println();
    }

    void summary(NumericSummary.Result r) {
      out.printf(Locale.ROOT, "== %s: %s by %s, bounds [%s, %s] (%d sites)%n", r.name(), r.variable(),
          r.groupVariable(), num(r.lower()), num(r.upper()), r.sites());
      out.printf(Locale.ROOT, "%-8s%8s%10s%10s%10s%16s%16s%26s%9s%n", r.groupVariable(), "n", "mean", "SD",
          "variance", "min in", "max in", "quartiles (25/50/75 %)", "clipped");
      for (NumericSummary.Group g : r.groups()) {
        String quartiles = String.join(" / ", g.quantiles().stream().map(q -> dec(q.value(), 1)).toList());
        out.printf(Locale.ROOT, "%-8s%8s%10s%10s%10s%16s%16s%26s%9s%n", g.group(), count(g.count()),
            dec(g.mean(), 2), dec(g.standardDeviation(), 2), dec(g.variance(), 1),
            g.minimum().map(i -> "[" + num(i.lower()) + ", " + num(i.upper()) + "]").orElse("*"),
            g.maximum().map(i -> "[" + num(i.lower()) + ", " + num(i.upper()) + "]").orElse("*"),
            quartiles.isEmpty() ? "*" : quartiles, count(g.clipped()));
      }
      out.println("histogram:");
      for (NumericSummary.Group g : r.groups()) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %s=%-4s", r.groupVariable(), g.group()));
        for (NumericSummary.Bin b : g.histogram()) {
          line.append(String.format(Locale.ROOT, " [%s,%s):%s", num(b.lower()), num(b.upper()), count(b.count())));
        }
        out.println(line);
      }
      suppressed(r.suppressed());
      r.epsilon().ifPresent(e -> out.printf(Locale.ROOT, "differentially private: ε = %.3g%n", e));
      out.println();
    }

    void welch(WelchTest.Result r) {
      out.printf(Locale.ROOT, "== %s: %s, Welch's t-test by %s (%d sites)%n", r.name(), r.variable(),
          r.groupVariable(), r.sites());
      for (WelchTest.Group g : List.of(r.a(), r.b())) {
        out.printf(Locale.ROOT, "  %s=%s: n = %s, mean = %s, SD = %s%n", r.groupVariable(), g.group(),
            count(g.count()), dec(g.mean(), 2),
            g.variance().isPresent() ? String.format(Locale.ROOT, "%.2f", Math.sqrt(g.variance().getAsDouble())) : "*");
      }
      r.test().ifPresentOrElse(
          t -> out.printf(Locale.ROOT, "  difference = %.3f, t = %.4f, df = %.1f, p = %.3g%n", t.meanDifference(),
              t.t(), t.degreesOfFreedom(), t.pValue()),
          () -> out.println("  test not released (a group below the minimum count)"));
      suppressed(r.suppressed());
      out.println();
    }

    void regression(LogisticRegression.Result r, double newtonMillis) {
      out.printf(Locale.ROOT, "== %s: logistic regression of %s (%d sites, %d Newton iterations%s, %.0f ms "
          + "after the first round)%n", r.name(), r.outcome(), r.sites(), r.iterations(),
          r.converged() ? ", converged" : ", NOT converged", newtonMillis);
      if (!r.released()) {
        out.println("  not released: " + String.join("; ", r.suppressed()));
        out.println();
        return;
      }
      out.printf(Locale.ROOT, "  n = %d%n  %-12s%12s%12s%9s%12s%n", r.n().getAsLong(), "term", "estimate", "SE", "z",
          "p");
      for (int i = 0; i < r.terms().size(); i++) {
        out.printf(Locale.ROOT, "  %-12s%12.4f%12.4f%9.2f%12.3g%n", r.terms().get(i), r.coefficients()[i],
            r.standardErrors()[i], r.z(i), r.pValue(i));
      }
      out.println();
    }

    private void suppressed(List<String> suppressed) {
      out.println(suppressed.isEmpty() ? "suppressed: none"
          : "suppressed (*: below the minimum count, or hidden so that one cannot be recovered): "
              + String.join("; ", suppressed));
    }

    private static String count(OptionalLong c) {
      return c.isPresent() ? Long.toString(c.getAsLong()) : "*";
    }

    private static String dec(OptionalDouble v, int digits) {
      return v.isPresent() ? String.format(Locale.ROOT, "%." + digits + "f", v.getAsDouble()) : "*";
    }

    private static String num(double v) {
      return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }
  }
}
