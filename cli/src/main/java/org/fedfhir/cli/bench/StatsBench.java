package org.fedfhir.cli.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.fedfhir.cli.stats.StatsCommand;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.crypto.SecretBytes;
import org.fedfhir.securecompute.secagg.LocalRound;
import org.fedfhir.securecompute.secagg.SecAggConfig;
import org.fedfhir.securecompute.statistics.ContingencyTable;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.InProcessStatisticsRound;
import org.fedfhir.securecompute.statistics.LogisticRegression;
import org.fedfhir.securecompute.statistics.NumericSummary;
import org.fedfhir.securecompute.statistics.PooledLogisticRegression;
import org.fedfhir.securecompute.statistics.Release;
import org.fedfhir.securecompute.statistics.SiteStatistics;
import org.fedfhir.securecompute.statistics.StatisticsEncoding;
import org.fedfhir.securecompute.statistics.SufficientStatistic;
import org.fedfhir.securecompute.statistics.SurvivalAnalysis;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir bench stats}: a seeded synthetic heart-disease-like cohort per site (plain rows,
 * no FHIR), then three statistics, each computed twice in the same run: with real secure
 * aggregation across the in-process sites (each site encodes its local sufficient statistics, one
 * Bonawitz et al. round via {@link InProcessStatisticsRound}/{@link LocalRound}, the sum decoded and
 * combined under the disclosure policy), and in the clear in one process on the pooled rows with
 * textbook code (two-pass mean and variance, a histogram, Pearson's chi-square from Commons Math,
 * the product-limit estimator over sorted follow-up times), and a logistic regression by federated
 * Newton (one secure round per iteration) against IRLS on the pooled rows (Commons Math's LU
 * solver). Prints and writes, per statistic,
 * {@code secureMillis}, {@code clearMillis} and {@code maxAbsErrorVsClear}; medians over
 * repetitions. The release (timed) applies the minimum cell count; the error is measured on the same
 * secure sum released without suppression, so that it is the error of secure aggregation and
 * fixed point alone. Fails only if that differs from the clear result by more than 1e-6.
 */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = "Time a summary, a contingency table, a Kaplan–Meier curve and a logistic regression under "
        + "secure aggregation against the same statistics in the clear on the pooled rows.")
public final class StatsBench implements Callable<Integer> {

  static final String STUDY = "http://fedfhir.org/fhir/PlanDefinition/bench-stats";
  static final double TOLERANCE = 1e-6;
  /** Administrative end of follow-up, days after the index date. */
  static final int HORIZON_DAYS = 1095;

  /** Serum cholesterol by sex: count, mean, variance, histogram, quartiles (as {@code ./fedfhir stats}). */
  static final NumericSummary SUMMARY = StatsCommand.HeartDisease.CHOL_BY_SEX;
  /** Diagnosis by chest-pain type with Pearson's chi-square (as {@code ./fedfhir stats}). */
  static final ContingencyTable TABLE = StatsCommand.HeartDisease.CP_BY_DIAGNOSIS;
  /** Time from the index date to a cardiac event by diagnosis, daily buckets, with the log-rank test. */
  static final SurvivalAnalysis KAPLAN_MEIER = new SurvivalAnalysis("event-by-diagnosis", "diagnosis",
      List.of("1", "0"), SurvivalAnalysis.evenBuckets(1, HORIZON_DAYS + 1), "d");
  /** Diagnosis ~ sex + cholesterol + typical angina (cp = 4): coefficients and SEs by federated Newton. */
  static final LogisticRegression REGRESSION = new LogisticRegression("diagnosis-model", "diagnosis",
      List.of("sex", "chol", "cp4"), new double[] {0, 80, 0}, new double[] {1, 640, 1});

  @Option(names = "--sites", defaultValue = "4", description = "number of sites (default ${DEFAULT-VALUE})")
  int sites;

  @Option(names = "--patients-per-site", defaultValue = "100000",
      description = "synthetic patients per site (default ${DEFAULT-VALUE})")
  int patientsPerSite;

  @Option(names = "--seed", defaultValue = "43", description = "generator seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--repetitions", defaultValue = "3",
      description = "timed repetitions after one untimed; figures are medians (default ${DEFAULT-VALUE})")
  int repetitions;

  @Option(names = "--min-count", defaultValue = "5", description = "minimum cell count of the release "
      + "(default ${DEFAULT-VALUE}, the sites' default)")
  int minCount;

  @Option(names = "--max-records-per-site", defaultValue = "1000000",
      description = "the study's declared bound, sizes the fixed-point encoding (default ${DEFAULT-VALUE})")
  int maxRecordsPerSite;

  @Option(names = "--json", description = "also write the figures to this file")
  Path json;

  @Override
  public Integer call() throws Exception {
    if (sites < 2 || patientsPerSite < 1 || repetitions < 1 || maxRecordsPerSite < patientsPerSite) {
      System.err.println("need --sites >= 2, --patients-per-site >= 1, --repetitions >= 1, "
          + "--max-records-per-site >= --patients-per-site");
      return 2;
    }
    Map<Integer, Rows> bySite = new TreeMap<>();
    for (int s = 1; s <= sites; s++) {
      bySite.put(s, Rows.generate(seed * 1_000_003L + s, patientsPerSite, s));
    }
    Rows pooled = Rows.concat(new ArrayList<>(bySite.values()));
    SecureRandom random = new SecureRandom();
    Map<Integer, SecretBytes> signing = new HashMap<>();
    Map<Integer, byte[]> publicKeys = new HashMap<>();
    for (Map.Entry<Integer, Ed25519.KeyPair> e : LocalRound.signingKeys(sites, random).entrySet()) {
      signing.put(e.getKey(), e.getValue().privateKey());
      publicKeys.put(e.getKey(), e.getValue().publicKey());
    }
    DisclosurePolicy policy = DisclosurePolicy.minCellCount(minCount);

    List<Statistic> statistics = List.of(
        new Statistic("summary", "numeric summary: chol by sex (n, mean, variance, 12-bin histogram)", List.of(SUMMARY)),
        new Statistic("contingencyTable", "contingency table: cp × diagnosis + chi-square", List.of(TABLE)),
        new Statistic("kaplanMeier", "Kaplan–Meier by diagnosis, " + (HORIZON_DAYS + 1) + " daily buckets + log-rank",
            List.of(KAPLAN_MEIER)),
        new Statistic("allInOneRound", "all three in one secure-aggregation round", List.of(SUMMARY, TABLE,
            KAPLAN_MEIER)));

    Map<String, Object> f = new LinkedHashMap<>();
    f.put("sites", sites);
    f.put("patientsPerSite", patientsPerSite);
    f.put("seed", seed);
    f.put("repetitions", repetitions);
    f.put("minCellCount", minCount);
    for (Statistic st : statistics) {
      StatisticsEncoding encoding = StatisticsEncoding.forStudy(st.parts, maxRecordsPerSite, 16);
      SecAggConfig.Builder builder = SecAggConfig.builder().study(STUDY + "/" + st.key).vectorLength(encoding.length())
          .modulusBits(StatisticsEncoding.MODULUS_BITS);
      publicKeys.forEach(builder::site);
      SecAggConfig config = builder.build();
      List<Double> secure = new ArrayList<>();
      List<Double> encode = new ArrayList<>();
      List<Double> round = new ArrayList<>();
      List<Double> combine = new ArrayList<>();
      List<Double> clear = new ArrayList<>();
      double maxError = 0;
      int suppressed = 0;
      for (int rep = 0; rep <= repetitions; rep++) {
        // secure: each site encodes its own rows; one round; the sum combined under the policy
        long s0 = System.nanoTime();
        Map<Integer, List<double[]>> vectors = new TreeMap<>();
        bySite.forEach((site, rows) -> vectors.put(site, encode(st.parts, rows)));
        long s1 = System.nanoTime();
        InProcessStatisticsRound.Outcome outcome =
            new InProcessStatisticsRound(config, signing, encoding, random).run(rep, vectors, Map.of());
        long s2 = System.nanoTime();
        Release release = Release.of(policy, outcome.sites());
        List<Object> results = new ArrayList<>();
        for (int p = 0; p < st.parts.size(); p++) {
          results.add(combineAny(st.parts.get(p), outcome.sums().get(p), release));
        }
        long s3 = System.nanoTime();
        // clear: the pooled rows, textbook code, one process
        long c0 = System.nanoTime();
        List<Object> references = new ArrayList<>();
        for (SufficientStatistic<?, ?> part : st.parts) {
          references.add(clear(part, pooled));
        }
        long c1 = System.nanoTime();
        // the error of secure aggregation: the same secure sum released without suppression (merged
        // or cut Kaplan–Meier intervals are a deliberate change of the estimator, not an error)
        Release everything = Release.of(DisclosurePolicy.none(), outcome.sites());
        double error = 0;
        int hidden = 0;
        for (int p = 0; p < st.parts.size(); p++) {
          Object unsuppressed = combineAny(st.parts.get(p), outcome.sums().get(p), everything);
          error = Math.max(error, compare(unsuppressed, references.get(p)));
          hidden += suppressedCount(results.get(p));
        }
        maxError = Math.max(maxError, error);
        suppressed = hidden;
        if (rep == 0) {
          continue; // untimed: the JIT's
        }
        secure.add(millis(s3 - s0));
        encode.add(millis(s1 - s0));
        round.add(millis(s2 - s1));
        combine.add(millis(s3 - s2));
        clear.add(millis(c1 - c0));
      }
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("description", st.description);
      g.put("vectorLength", encoding.length());
      g.put("fractionalBits", encoding.codec().fractionalBits());
      g.put("secureMillis", BenchJson.median(secure));
      g.put("siteEncodeMillis", BenchJson.median(encode));
      g.put("roundMillis", BenchJson.median(round));
      g.put("combineMillis", BenchJson.median(combine));
      g.put("clearMillis", BenchJson.median(clear));
      g.put("maxAbsErrorVsClear", maxError);
      g.put("errorBoundPerCoordinate", encoding.errorBound(sites));
      g.put("suppressed", suppressed);
      f.put(st.key, g);
    }
    f.put("logisticRegression", regression(bySite, pooled, signing, publicKeys, policy, random));
    System.out.print(table(f));
    if (json != null) {
      Files.writeString(json, BenchJson.write(f), StandardCharsets.UTF_8);
    }
    List<String> failed = new ArrayList<>();
    for (Map.Entry<String, Object> e : f.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> g && !((double) g.get("maxAbsErrorVsClear") <= TOLERANCE)) {
        failed.add(e.getKey() + " " + g.get("maxAbsErrorVsClear"));
      }
    }
    if (!failed.isEmpty()) {
      System.err.println("FAILED: secure results differ from the clear ones by more than " + TOLERANCE + ": " + failed);
      return 1;
    }
    return 0;
  }

  /**
   * The regression: secure = per Newton iteration every site encodes its score and information at
   * the announced β and one secure round sums them (the first at β = 0), until the step is below
   * 1e-8; clear = IRLS on the pooled rows to the same tolerance. The error is the largest difference
   * of a coefficient or an SE.
   */
  private Map<String, Object> regression(Map<Integer, Rows> bySite, Rows pooled, Map<Integer, SecretBytes> signing,
      Map<Integer, byte[]> publicKeys, DisclosurePolicy policy, SecureRandom random) {
    LogisticRegression.Fit probe = REGRESSION.fit();
    StatisticsEncoding encoding = StatisticsEncoding.forStudy(List.of(probe.next()), maxRecordsPerSite, 16);
    SecAggConfig.Builder builder = SecAggConfig.builder().study(STUDY + "/logisticRegression")
        .vectorLength(encoding.length()).modulusBits(StatisticsEncoding.MODULUS_BITS);
    publicKeys.forEach(builder::site);
    SecAggConfig config = builder.build();
    List<Double> secure = new ArrayList<>();
    List<Double> encode = new ArrayList<>();
    List<Double> roundTimes = new ArrayList<>();
    List<Double> combine = new ArrayList<>();
    List<Double> clear = new ArrayList<>();
    double maxError = 0;
    int rounds = 0;
    long round = 0;
    for (int rep = 0; rep <= repetitions; rep++) {
      long s0 = System.nanoTime();
      Map<Integer, List<LogisticRegression.Row>> rows = new TreeMap<>();
      bySite.forEach((site, r) -> rows.put(site, regressionRows(r)));
      LogisticRegression.Fit fit = REGRESSION.fit();
      rounds = 0;
      long[] split = new long[3];
      split[0] = System.nanoTime() - s0;
      while (!fit.done()) {
        long t0 = System.nanoTime();
        Map<Integer, List<double[]>> vectors = new TreeMap<>();
        rows.forEach((site, r) -> vectors.put(site, List.of(fit.next().encode(r))));
        long t1 = System.nanoTime();
        InProcessStatisticsRound.Outcome outcome =
            new InProcessStatisticsRound(config, signing, encoding, random).run(round++, vectors, Map.of());
        long t2 = System.nanoTime();
        fit.accept(outcome.sums().get(0), Release.of(policy, outcome.sites()));
        split[0] += t1 - t0;
        split[1] += t2 - t1;
        split[2] += System.nanoTime() - t2;
        rounds++;
      }
      LogisticRegression.Result result = fit.result();
      long s1 = System.nanoTime();
      double[][] reference = clearRegression(pooled);
      long c1 = System.nanoTime();
      double error = 0;
      for (int i = 0; i < reference[0].length; i++) {
        error = Math.max(error, Math.abs(result.coefficients()[i] - reference[0][i]));
        error = Math.max(error, Math.abs(result.standardErrors()[i] - reference[1][i]));
      }
      maxError = Math.max(maxError, error);
      if (rep > 0) {
        secure.add(millis(s1 - s0));
        encode.add(millis(split[0]));
        roundTimes.add(millis(split[1]));
        combine.add(millis(split[2]));
        clear.add(millis(c1 - s1));
      }
    }
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("description", "logistic regression: diagnosis ~ sex + chol + cp=4, coefficients + SE, federated Newton ("
        + rounds + " secure rounds)");
    g.put("vectorLength", encoding.length());
    g.put("fractionalBits", encoding.codec().fractionalBits());
    g.put("rounds", rounds);
    g.put("secureMillis", BenchJson.median(secure));
    g.put("siteEncodeMillis", BenchJson.median(encode));
    g.put("roundMillis", BenchJson.median(roundTimes));
    g.put("combineMillis", BenchJson.median(combine));
    g.put("clearMillis", BenchJson.median(clear));
    g.put("maxAbsErrorVsClear", maxError);
    g.put("errorBoundPerCoordinate", encoding.errorBound(sites));
    g.put("suppressed", 0);
    return g;
  }

  /** A site's rows as the regression reads them: sex, cholesterol (NaN: left out), cp = 4, diagnosis. */
  static List<LogisticRegression.Row> regressionRows(Rows rows) {
    List<LogisticRegression.Row> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      out.add(new LogisticRegression.Row(new double[] {rows.sex[i], rows.chol[i], rows.cp[i] == 4 ? 1 : 0},
          rows.diagnosis[i]));
    }
    return out;
  }

  /** {β̂, SE} by textbook IRLS on the pooled complete rows, cholesterol clipped as declared. */
  static double[][] clearRegression(Rows rows) {
    List<LogisticRegression.Row> clipped = new ArrayList<>(rows.size());
    for (LogisticRegression.Row r : regressionRows(rows)) {
      double[] x = r.x();
      x[1] = Math.max(80, Math.min(640, x[1]));
      clipped.add(new LogisticRegression.Row(x, r.y()));
    }
    return PooledLogisticRegression.fit(clipped);
  }

  /** The figures as a markdown table and the lines under it. */
  static String table(Map<String, Object> f) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%nbench stats: %s sites × %,d synthetic patients, minimum cell count %s, "
            + "medians of %s repetitions (after one untimed)%n%n", f.get("sites"), (long) num(f.get("patientsPerSite")),
        f.get("minCellCount"), f.get("repetitions")));
    out.append("| statistic | vector length | secure ms | sites' encoding ms | secure round ms | combine ms "
        + "| clear ms (pooled) | secure / clear | max abs error vs clear | suppressed |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, Object> e : f.entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?> g)) {
        continue;
      }
      double secure = num(g.get("secureMillis"));
      double clear = num(g.get("clearMillis"));
      out.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %.1f | %.2f | %.1f | %.1f× | %.2g | %s |%n",
          g.get("description"), (long) num(g.get("vectorLength")), secure, num(g.get("siteEncodeMillis")),
          num(g.get("roundMillis")), num(g.get("combineMillis")), clear, secure / clear,
          num(g.get("maxAbsErrorVsClear")), g.get("suppressed")));
    }
    out.append(String.format(Locale.ROOT, "%nsecure ms = every site's encoding + the round (all parties in this "
        + "process, one after another) + combine under the minimum count; the error is that of the same secure sum "
        + "released without suppression; suppressed = cells, bins and Kaplan–Meier intervals suppressed or merged "
        + "at the minimum count%nfor reference, NTT's secret-sharing system: mean and variance of "
        + "~50,000 records in about 1 s (JAMIA 2014)%n"));
    return out.toString();
  }

  private static double num(Object v) {
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /** One timed statistic: one or more declared statistics sent in one round. */
  record Statistic(String key, String description, List<SufficientStatistic<?, ?>> parts) {}

  // ---------------------------------------------------------------- the sites' rows

  /**
   * A site's patients as plain columns, heart-disease-like (the distributions of
   * {@code SyntheticCohort}): sex, chest-pain type, cholesterol (mg/dL, 5 % missing), a diagnosis
   * drawn from a logistic model, and follow-up from an index date: an exponential time to a cardiac
   * event (faster with the diagnosis), loss to follow-up, administrative censoring at
   * {@value #HORIZON_DAYS} days; whole days.
   */
  record Rows(int[] sex, int[] cp, double[] chol, int[] diagnosis, int[] days, boolean[] event) {

    int size() {
      return sex.length;
    }

    static Rows generate(long seed, int n, int site) {
      SplittableRandom rng = new SplittableRandom(seed);
      int[] sex = new int[n];
      int[] cp = new int[n];
      double[] chol = new double[n];
      int[] diagnosis = new int[n];
      int[] days = new int[n];
      boolean[] event = new boolean[n];
      for (int i = 0; i < n; i++) {
        boolean male = rng.nextDouble() < 0.6;
        int age = 30 + rng.nextInt(50);
        int c = 1 + rng.nextInt(4);
        double cholesterol = Math.round((200 + (male ? 0 : 12) + 3 * site + 40 * rng.nextGaussian()) * 100) / 100.0;
        double thalach = 200 - 0.8 * age + 15 * rng.nextGaussian();
        boolean exang = rng.nextDouble() < 0.3;
        double oldpeak = Math.max(0, 1 + rng.nextGaussian());
        double z = -4 + 0.04 * age + (male ? 0.8 : 0) + (c == 4 ? 1.2 : 0) + (exang ? 1 : 0) + 0.6 * oldpeak
            - 0.01 * (thalach - 150) + 0.005 * (cholesterol - 200);
        int d = rng.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
        double eventDay = -Math.log(1 - rng.nextDouble()) * (d == 1 ? 1500 : 4000);
        double lostDay = -Math.log(1 - rng.nextDouble()) * 5000;
        double end = Math.min(lostDay, HORIZON_DAYS);
        sex[i] = male ? 1 : 0;
        cp[i] = c;
        chol[i] = rng.nextDouble() < 0.05 ? Double.NaN : cholesterol;
        diagnosis[i] = d;
        event[i] = eventDay < end;
        days[i] = (int) Math.floor(Math.min(eventDay, end));
      }
      return new Rows(sex, cp, chol, diagnosis, days, event);
    }

    static Rows concat(List<Rows> parts) {
      int n = parts.stream().mapToInt(Rows::size).sum();
      Rows all = new Rows(new int[n], new int[n], new double[n], new int[n], new int[n], new boolean[n]);
      int at = 0;
      for (Rows r : parts) {
        int k = r.size();
        System.arraycopy(r.sex, 0, all.sex, at, k);
        System.arraycopy(r.cp, 0, all.cp, at, k);
        System.arraycopy(r.chol, 0, all.chol, at, k);
        System.arraycopy(r.diagnosis, 0, all.diagnosis, at, k);
        System.arraycopy(r.days, 0, all.days, at, k);
        System.arraycopy(r.event, 0, all.event, at, k);
        at += k;
      }
      return all;
    }
  }

  // ---------------------------------------------------------------- secure: what a site computes

  /** Site-local: the records each statistic reads, as a site builds them, and their vectors. */
  static List<double[]> encode(List<SufficientStatistic<?, ?>> parts, Rows rows) {
    List<double[]> vectors = new ArrayList<>();
    int n = rows.size();
    for (SufficientStatistic<?, ?> part : parts) {
      if (part == SUMMARY) {
        List<NumericSummary.Value> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          values.add(new NumericSummary.Value(SiteStatistics.category(rows.sex[i]), rows.chol[i]));
        }
        vectors.add(SUMMARY.encode(values));
      } else if (part == TABLE) {
        List<ContingencyTable.Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          entries.add(new ContingencyTable.Entry(SiteStatistics.category(rows.cp[i]),
              SiteStatistics.category(rows.diagnosis[i])));
        }
        vectors.add(TABLE.encode(entries));
      } else if (part == KAPLAN_MEIER) {
        List<SurvivalAnalysis.Record> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          records.add(new SurvivalAnalysis.Record(SiteStatistics.category(rows.diagnosis[i]), rows.days[i],
              rows.event[i]));
        }
        vectors.add(KAPLAN_MEIER.encode(records));
      } else {
        throw new IllegalArgumentException("unknown statistic " + part.name());
      }
    }
    return vectors;
  }

  private static Object combineAny(SufficientStatistic<?, ?> part, double[] sum, Release release) {
    return part.combine(sum, release);
  }

  // ---------------------------------------------------------------- clear: the pooled rows

  /** One group's summary in the clear. */
  record ClearSummary(long n, double mean, double variance, long[] bins) {}

  /** The contingency table in the clear. */
  record ClearTable(long[][] counts, double chiSquare, double pValue) {}

  /** Kaplan–Meier in the clear: per group, S(t) at each whole day t, and the log-rank chi-square. */
  record ClearSurvival(Map<String, double[]> survivalByDay, double logRankChiSquare) {}

  static Object clear(SufficientStatistic<?, ?> part, Rows rows) {
    if (part == SUMMARY) {
      return clearSummary(rows);
    } else if (part == TABLE) {
      return clearTable(rows);
    } else if (part == KAPLAN_MEIER) {
      return clearSurvival(rows);
    }
    throw new IllegalArgumentException("unknown statistic " + part.name());
  }

  /** Per sex: n, two-pass mean and sample variance of the values clipped to [80, 640], histogram. */
  static Map<String, ClearSummary> clearSummary(Rows rows) {
    double lower = 80;
    double upper = 640;
    double[] edges = {80, 160, 200, 220, 240, 260, 280, 300, 320, 340, 360, 400, 640};
    Map<String, ClearSummary> out = new LinkedHashMap<>();
    for (int g = 0; g <= 1; g++) {
      long n = 0;
      double sum = 0;
      long[] bins = new long[edges.length - 1];
      for (int i = 0; i < rows.size(); i++) {
        if (rows.sex[i] != g || Double.isNaN(rows.chol[i])) {
          continue;
        }
        double x = Math.max(lower, Math.min(upper, rows.chol[i]));
        n++;
        sum += x;
        int b = 0;
        while (b < bins.length - 1 && x >= edges[b + 1]) {
          b++;
        }
        bins[b]++;
      }
      double mean = sum / n;
      double squares = 0;
      for (int i = 0; i < rows.size(); i++) {
        if (rows.sex[i] == g && !Double.isNaN(rows.chol[i])) {
          double d = Math.max(lower, Math.min(upper, rows.chol[i])) - mean;
          squares += d * d;
        }
      }
      out.put(Integer.toString(g), new ClearSummary(n, mean, squares / (n - 1), bins));
    }
    return out;
  }

  /** cp (1–4) × diagnosis (0, 1) counts and Pearson's chi-square (Commons Math). */
  static ClearTable clearTable(Rows rows) {
    long[][] counts = new long[4][2];
    for (int i = 0; i < rows.size(); i++) {
      counts[rows.cp[i] - 1][rows.diagnosis[i]]++;
    }
    ChiSquareTest test = new ChiSquareTest();
    return new ClearTable(counts, test.chiSquare(counts), test.chiSquareTest(counts));
  }

  /**
   * The product-limit estimator per diagnosis over the follow-up sorted by time (events before
   * censorings at a tie), read at each whole day, and the log-rank test (diagnosis 1 vs 0) at the
   * distinct event times of the pooled follow-up.
   */
  static ClearSurvival clearSurvival(Rows rows) {
    Map<String, double[]> curves = new LinkedHashMap<>();
    Map<String, long[]> sortedByGroup = new LinkedHashMap<>();
    for (int g : new int[] {1, 0}) {
      int n = 0;
      for (int d : rows.diagnosis) {
        n += d == g ? 1 : 0;
      }
      long[] keys = new long[n];
      int k = 0;
      for (int i = 0; i < rows.size(); i++) {
        if (rows.diagnosis[i] == g) {
          keys[k++] = ((long) rows.days[i] << 1) | (rows.event[i] ? 0 : 1);
        }
      }
      Arrays.sort(keys);
      sortedByGroup.put(Integer.toString(g), keys);
      double[] survival = new double[HORIZON_DAYS + 1];
      double s = 1;
      int atRisk = n;
      int i = 0;
      int day = 0;
      while (i < keys.length) {
        int t = (int) (keys[i] >> 1);
        int deaths = 0;
        int leaving = 0;
        while (i < keys.length && (keys[i] >> 1) == t) {
          deaths += (keys[i] & 1) == 0 ? 1 : 0;
          leaving++;
          i++;
        }
        for (; day < t && day <= HORIZON_DAYS; day++) {
          survival[day] = s;
        }
        if (deaths > 0) {
          s *= 1 - (double) deaths / atRisk;
        }
        atRisk -= leaving;
      }
      for (; day <= HORIZON_DAYS; day++) {
        survival[day] = s;
      }
      curves.put(Integer.toString(g), survival);
    }
    // log-rank: walk both sorted groups together
    long[] a = sortedByGroup.get("1");
    long[] b = sortedByGroup.get("0");
    int ia = 0;
    int ib = 0;
    double na = a.length;
    double nb = b.length;
    double observed = 0;
    double expected = 0;
    double variance = 0;
    while (ia < a.length || ib < b.length) {
      long t = Math.min(ia < a.length ? a[ia] >> 1 : Long.MAX_VALUE, ib < b.length ? b[ib] >> 1 : Long.MAX_VALUE);
      int da = 0;
      int la = 0;
      while (ia < a.length && (a[ia] >> 1) == t) {
        da += (a[ia] & 1) == 0 ? 1 : 0;
        la++;
        ia++;
      }
      int db = 0;
      int lb = 0;
      while (ib < b.length && (b[ib] >> 1) == t) {
        db += (b[ib] & 1) == 0 ? 1 : 0;
        lb++;
        ib++;
      }
      double n = na + nb;
      double d = da + db;
      if (d > 0) {
        observed += da;
        expected += na * d / n;
        if (n > 1) {
          variance += na * nb * d * (n - d) / (n * n * (n - 1));
        }
      }
      na -= la;
      nb -= lb;
    }
    return new ClearSurvival(curves, (observed - expected) * (observed - expected) / variance);
  }

  // ---------------------------------------------------------------- secure vs clear

  /** The largest absolute difference between every released figure and its clear counterpart. */
  @SuppressWarnings("unchecked")
  static double compare(Object secure, Object clear) {
    double max = 0;
    if (secure instanceof NumericSummary.Result r) {
      Map<String, ClearSummary> c = (Map<String, ClearSummary>) clear;
      for (NumericSummary.Group g : r.groups()) {
        ClearSummary x = c.get(g.group());
        max = Math.max(max, diff(g.count(), x.n()));
        if (g.mean().isPresent()) {
          max = Math.max(max, Math.abs(g.mean().getAsDouble() - x.mean()));
        }
        if (g.variance().isPresent()) {
          max = Math.max(max, Math.abs(g.variance().getAsDouble() - x.variance()));
        }
        for (int b = 0; b < g.histogram().size(); b++) {
          max = Math.max(max, diff(g.histogram().get(b).count(), x.bins()[b]));
        }
      }
    } else if (secure instanceof ContingencyTable.Result r) {
      ClearTable c = (ClearTable) clear;
      for (int i = 0; i < r.rows().size(); i++) {
        for (int j = 0; j < r.columns().size(); j++) {
          max = Math.max(max, diff(r.cells()[i][j], c.counts()[i][j]));
        }
      }
      if (r.chiSquare().isPresent()) {
        max = Math.max(max, Math.abs(r.chiSquare().get().statistic() - c.chiSquare()));
      }
    } else if (secure instanceof SurvivalAnalysis.Result r) {
      ClearSurvival c = (ClearSurvival) clear;
      for (SurvivalAnalysis.Curve curve : r.curves()) {
        double[] s = c.survivalByDay().get(curve.group());
        for (SurvivalAnalysis.Step step : curve.steps()) {
          // the step [t, t+1) holds the events of day t: the classical S(t)
          max = Math.max(max, Math.abs(step.survival() - s[(int) step.start()]));
        }
      }
      if (r.logRank().isPresent()) {
        max = Math.max(max, Math.abs(r.logRank().get().chiSquare() - c.logRankChiSquare()));
      }
    } else {
      throw new IllegalArgumentException("unknown result " + secure);
    }
    return max;
  }

  private static double diff(OptionalLong released, long clear) {
    return released.isPresent() ? Math.abs(released.getAsLong() - clear) : 0;
  }

  private static int suppressedCount(Object result) {
    if (result instanceof NumericSummary.Result r) {
      return r.suppressed().size();
    } else if (result instanceof ContingencyTable.Result r) {
      return r.suppressed().size();
    } else if (result instanceof SurvivalAnalysis.Result r) {
      return r.suppressed().size();
    }
    return 0;
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
