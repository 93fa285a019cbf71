package org.fedfhir.cli.bench;

import ca.uhn.fhir.context.FhirContext;
import io.grpc.Server;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.fedfhir.aggregator.fhir.StudyPlans;
import org.fedfhir.aggregator.grpc.FederationService;
import org.fedfhir.aggregator.grpc.MutualTls;
import org.fedfhir.aggregator.pki.PartyName;
import org.fedfhir.aggregator.pki.PkiDirectory;
import org.fedfhir.aggregator.pki.TlsFiles;
import org.fedfhir.aggregator.round.Coordinators;
import org.fedfhir.aggregator.round.SecAggSecureSum;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.cli.demo.StudyVariants;
import org.fedfhir.federation.NeuralNetwork;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.fhir.federation.AggregatorAddress;
import org.fedfhir.fhir.federation.FederatedSettings;
import org.fedfhir.fhir.federation.FederationClient;
import org.fedfhir.fhir.federation.SitePkiFiles;
import org.fedfhir.fhir.federation.SiteRoundWork;
import org.fedfhir.fhir.federation.SiteRows;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.study.InvalidStudyException;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.study.StudyUrls;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir bench flamby}: FedFHIR's strategies on FLamby's Fed-Heart-Disease protocol
 * ({@link FlambyHeartDisease}: its rows, its test patients, its 13 features), each run through the
 * real federation — four site sessions ({@link SiteRoundWork}, {@link FederationClient} over mutual
 * TLS with a fresh network PKI), the aggregator's coordinators and secure aggregation
 * ({@link SecAggSecureSum}) on loopback, all in this JVM — once per seed, beside FLamby's published
 * figures ({@link FlambyPublished}). Each run is scored as FLamby scores one: the mean over the four
 * centres of the final model's accuracy on the centre's test rows.
 *
 * <p>Seeds vary the training randomness: the study's {@code seed} is FLamby's (42, 43, …) and seeds
 * each site's local shuffling, which also mixes in a secret of each session (never sent), so a run
 * is not bit-reproducible; DP noise comes from {@code SecureRandom}. Federated Newton has no
 * randomness, so its spread is 0.
 */
@Command(name = "flamby", mixinStandardHelpOptions = true,
    description = "FedFHIR's strategies through the real federation (sites, aggregator, secure aggregation) on "
        + "FLamby's Fed-Heart-Disease rows, split and 13 features, beside FLamby's published accuracies.")
public final class FlambyBench implements Callable<Integer> {

  /** FLamby's δ for its DP runs. */
  static final double DELTA = 1e-3;
  /** The first of FLamby's seeds (42 … 46). */
  static final int FIRST_SEED = 42;
  private static final String LR = "logistic-regression";

  /**
   * One row of the table: what a researcher would publish (the algorithm and the study parameters;
   * {@code dp-epsilon} and {@code dp-delta} follow from {@code dpEpsilon}) and FLamby's figure to
   * show beside it.
   *
   * @param key the row's name on the command line ({@code --row})
   * @param dpEpsilon the study's ε, or null for a study without DP
   */
  record Row(String key, String name, String algorithm, Double dpEpsilon, Map<String, Type> parameters,
      Supplier<FlambyPublished> flamby) {

    String strategy() {
      return parameters.get("strategy").primitiveValue();
    }
  }

  /** The table's rows, in order. Another model or strategy is one more line. */
  static final List<Row> ROWS = List.of(
      new Row("fedavg", "FedAvg", LR, null, parameters("strategy", "fedavg", "rounds", 20, "local-epochs", 5,
          "learning-rate", 0.05), () -> FlambyPublished.dp(null, DELTA)),
      new Row("fedadagrad", "FedAdagrad", LR, null, parameters("strategy", "fedadagrad", "rounds", 20,
          "local-epochs", 5, "learning-rate", 0.05, "server-learning-rate", 0.1),
          () -> FlambyPublished.benchmark("FedAdagrad100")),
      new Row("newton", "Newton", LR, null, parameters("strategy", "newton", "rounds", 8),
          () -> FlambyPublished.benchmark("Pooled Training")),
      privateFedAvg(0.1),
      privateFedAvg(1.0),
      privateFedAvg(10.0),
      new Row("mlp", "MLP 13→16→1, FedAvg", "mlp", null, parameters("strategy", "fedavg", "rounds", 20,
          "local-epochs", 5, "learning-rate", 0.1, "hidden-layers", new StringType("16"), "dropout", 0.1),
          () -> FlambyPublished.dp(null, DELTA)),
      new Row("mlp-dp-1", "MLP 13→16→1, FedAvg + DP", "mlp", 1.0, parameters("strategy", "fedavg", "rounds", 20,
          "learning-rate", 1.0, "dp-clip", 1.0, "hidden-layers", new StringType("16")),
          () -> FlambyPublished.dp(1.0, DELTA)));

  /** Federated averaging with record-level DP at {@code epsilon} (one clipped, noised gradient step per round). */
  private static Row privateFedAvg(double epsilon) {
    return new Row("fedavg-dp-" + format(epsilon), "FedAvg + DP", LR, epsilon, parameters("strategy", "fedavg",
        "rounds", 20, "learning-rate", 1.0, "dp-clip", 1.0), () -> FlambyPublished.dp(epsilon, DELTA));
  }

  @Option(names = "--seeds", paramLabel = "N", description = "runs per row, seeds 42, 43, … as FLamby's (default ${DEFAULT-VALUE})")
  int seeds = 5;

  @Option(names = "--row", split = ",", paramLabel = "ROW", description = "only these rows (default: all): fedavg, fedadagrad, newton, "
      + "fedavg-dp-0.1, fedavg-dp-1, fedavg-dp-10, mlp, mlp-dp-1")
  List<String> only;

  @Option(names = "--rounds", paramLabel = "N", description = "every row's rounds instead of its own: a quick look, not the "
      + "protocol's figures")
  Integer rounds;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the figures to this file")
  Path json;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  /**
   * 64-bit words, 24 fractional bits (what a private study needs), clip 2^30: the STANDARDISE
   * moments of raw values (Σ chol² ≈ 10^7 at Cleveland) exceed the default clip of 2^20.
   */
  private static final FixedPointEncoding ENCODING = FixedPointEncoding.newBuilder()
      .setModulusBits(64).setFractionBits(24).setClip(1 << 30).build();
  private static final Duration STUDY_TIMEOUT = Duration.ofMinutes(10);
  /** Tribuo reports every local epoch at INFO; the table is what this command prints. */
  private static final java.util.logging.Logger TRIBUO = java.util.logging.Logger.getLogger("org.tribuo");

  @Override
  public Integer call() throws Exception {
    List<Row> rows = selected();
    TRIBUO.setLevel(java.util.logging.Level.WARNING);
    java.io.PrintWriter out = spec.commandLine().getOut();
    if (seeds < 1) {
      throw new IllegalArgumentException("--seeds " + seeds + "; need ≥ 1");
    }
    if (rounds != null && rounds < 1) {
      throw new IllegalArgumentException("--rounds " + rounds + "; need ≥ 1");
    }
    FhirContext ctx = FhirContext.forR4Cached();
    PlanDefinition reference = new StudyVariants(ctx).reference();
    Map<HeartDiseaseCentre, SiteRows> sites = FlambyHeartDisease.sites(parse(reference), LocalDate.now());
    out.printf("FLamby's Fed-Heart-Disease protocol: %s; %d seed(s) from %d; load average %s on %d cores%n",
        describe(sites), seeds, FIRST_SEED, loadAverage(), Runtime.getRuntime().availableProcessors());

    List<Map<String, Object>> results = new ArrayList<>();
    try (Federation federation = new Federation()) {
      for (Row row : rows) {
        long t0 = System.nanoTime();
        List<SeedRun> runs = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
          SeedRun run = federation.run(ctx, study(reference, row, FIRST_SEED + s), sites);
          out.printf(Locale.ROOT, "  %-14s seed %d: mean test accuracy %.3f (pooled test rows %.3f)%s%n",
              row.key(), FIRST_SEED + s, run.meanAccuracy(), run.networkAccuracy(),
              Double.isNaN(run.epsilonSpent()) ? "" : String.format(Locale.ROOT, ", ε spent %.3f", run.epsilonSpent()));
          runs.add(run);
        }
        results.add(result(row, runs, (System.nanoTime() - t0) / 1e9));
      }
    }
    out.println();
    out.print(table(results));
    out.println("FedFHIR: mean ± sd over seeds of the mean test accuracy over the four centres (FLamby's score); "
        + "FLamby: published, same score, over its 5 seeds.");
    if (json != null) {
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("protocol", "flamby-fed-heart-disease");
      figures.put("seeds", seedList());
      figures.put("rows", results);
      Files.writeString(json, BenchJson.write(figures), StandardCharsets.UTF_8);
    }
    out.flush();
    return 0;
  }

  private List<Row> selected() {
    if (only == null || only.isEmpty()) {
      return ROWS;
    }
    List<Row> out = new ArrayList<>();
    for (String key : only) {
      out.add(ROWS.stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow(() ->
          new IllegalArgumentException("--row " + key + "; the rows are " + ROWS.stream().map(Row::key).toList())));
    }
    return out;
  }

  /** The row's study for one seed: its own id and canonical URL, FLamby's seed, all four sites. */
  PlanDefinition study(PlanDefinition reference, Row row, int seed) {
    PlanDefinition pd = reference.copy();
    String id = "flamby-" + row.key().replace('.', '-') + "-seed-" + seed;
    pd.setId(id);
    pd.setUrl(StudyUrls.BASE + "/PlanDefinition/" + id);
    pd.setTitle("Heart disease on FLamby's protocol: " + row.name() + (row.dpEpsilon() == null ? ""
        : " at ε = " + format(row.dpEpsilon())) + ", seed " + seed);
    pd.getExtensionByUrl(StudyUrls.EXT_ALGORITHM).setValue(new Coding(StudyUrls.CS_ALGORITHM, row.algorithm(), null));
    row.parameters().forEach((name, value) -> StudyVariants.setParameter(pd, name, value.copy()));
    StudyVariants.setParameter(pd, "seed", new IntegerType(seed));
    StudyVariants.setParameter(pd, "min-sites", new IntegerType(HeartDiseaseCentre.values().length));
    if (row.dpEpsilon() != null) {
      StudyVariants.setParameter(pd, "dp-epsilon", new DecimalType(row.dpEpsilon()));
      StudyVariants.setParameter(pd, "dp-delta", new DecimalType(DELTA));
    }
    if (rounds != null) {
      StudyVariants.setParameter(pd, "rounds", new IntegerType(rounds));
    }
    return pd;
  }

  /** What one seed's study gave. */
  record SeedRun(int seed, Map<String, Double> perCentre, double networkAccuracy, double epsilonSpent) {
    double meanAccuracy() {
      return BenchJson.mean(List.copyOf(perCentre.values()));
    }
  }

  private Map<String, Object> result(Row row, List<SeedRun> runs, double seconds) {
    List<Double> accuracies = runs.stream().map(SeedRun::meanAccuracy).toList();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("row", row.key());
    r.put("name", row.name());
    r.put("strategy", row.strategy());
    r.put("algorithm", row.algorithm());
    r.put("dpEpsilon", row.dpEpsilon());
    r.put("dpDelta", row.dpEpsilon() == null ? null : DELTA);
    Map<String, Object> parameters = new LinkedHashMap<>();
    row.parameters().forEach((k, v) -> parameters.put(k, v instanceof IntegerType i ? i.getValue()
        : v instanceof DecimalType d ? (Object) d.getValue().doubleValue() : v.primitiveValue()));
    if (rounds != null) {
      parameters.put("rounds", rounds);
    }
    r.put("parameters", parameters);
    r.put("meanTestAccuracy", BenchJson.mean(accuracies));
    r.put("sdTestAccuracy", BenchJson.sd(accuracies));
    List<Map<String, Object>> perSeed = new ArrayList<>();
    for (SeedRun run : runs) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("seed", run.seed());
      s.put("meanTestAccuracy", run.meanAccuracy());
      s.put("perCentre", new LinkedHashMap<>(run.perCentre()));
      s.put("pooledTestAccuracy", run.networkAccuracy());
      s.put("epsilonSpent", run.epsilonSpent());
      perSeed.add(s);
    }
    r.put("perSeed", perSeed);
    FlambyPublished flamby = row.flamby().get();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("figure", flamby.label());
    f.put("meanTestAccuracy", flamby.mean());
    f.put("sdTestAccuracy", flamby.sd());
    f.put("perSeed", flamby.perSeed());
    r.put("flamby", f);
    r.put("seconds", seconds);
    return r;
  }

  /** The Markdown table of the results. */
  static String table(List<Map<String, Object>> results) {
    StringBuilder out = new StringBuilder();
    out.append("| strategy | ε (δ = 1e-3) | FedFHIR test accuracy, mean ± sd | seeds | FLamby, published | FLamby's figure |"
        + " seconds |\n");
    out.append("|---|---:|---:|---:|---:|---|---:|\n");
    for (Map<String, Object> r : results) {
      @SuppressWarnings("unchecked")
      Map<String, Object> f = (Map<String, Object>) r.get("flamby");
      Double epsilon = (Double) r.get("dpEpsilon");
      out.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s | %s | %.0f |%n", r.get("name"),
          epsilon == null ? "no DP" : format(epsilon), spread((Double) r.get("meanTestAccuracy"),
              (Double) r.get("sdTestAccuracy")), ((List<?>) r.get("perSeed")).size(),
          spread((Double) f.get("meanTestAccuracy"), (Double) f.get("sdTestAccuracy")), f.get("figure"),
          (Double) r.get("seconds")));
    }
    return out.toString();
  }

  private static String spread(double mean, double sd) {
    return Double.isNaN(sd) ? String.format(Locale.ROOT, "%.3f", mean)
        : String.format(Locale.ROOT, "%.3f ± %.3f", mean, sd);
  }

  private List<Integer> seedList() {
    List<Integer> out = new ArrayList<>();
    for (int s = 0; s < seeds; s++) {
      out.add(FIRST_SEED + s);
    }
    return out;
  }

  private static String describe(Map<HeartDiseaseCentre, SiteRows> sites) {
    List<String> parts = new ArrayList<>();
    sites.forEach((c, r) -> parts.add(c.code() + " " + r.trainCount() + "/" + r.testCount()));
    return "train/test " + String.join(", ", parts) + ", " + FlambyHeartDisease.featureNames().size() + " features";
  }

  private static StudyDefinition parse(PlanDefinition pd) {
    try {
      return new StudyParser().parse(pd);
    } catch (InvalidStudyException e) {
      throw new IllegalStateException("the bench's study is invalid: " + e.getMessage(), e);
    }
  }

  /** FedFHIR study parameters from name, value pairs: ints as integers, doubles as decimals, strings as codes. */
  static Map<String, Type> parameters(Object... nameValue) {
    Map<String, Type> out = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      Object v = nameValue[i + 1];
      out.put((String) nameValue[i], v instanceof Type t ? t : v instanceof Integer n ? new IntegerType(n)
          : v instanceof Double d ? new DecimalType(d) : new CodeType((String) v));
    }
    return out;
  }

  static String format(double epsilon) {
    return epsilon == Math.rint(epsilon) ? String.valueOf((long) epsilon) : String.valueOf(epsilon);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /**
   * The aggregator (coordinators over an in-memory store, secure aggregation, gRPC with mutual TLS
   * on an ephemeral loopback port) and the four sites' channels, for the whole bench.
   */
  private static final class Federation implements AutoCloseable {
    private final Path dir;
    private final InMemoryStudyStore store = new InMemoryStudyStore();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-flamby-deadlines");
      t.setDaemon(true);
      return t;
    });
    private final Server server;
    private final Map<HeartDiseaseCentre, FederationClient> clients = new LinkedHashMap<>();

    Federation() throws Exception {
      dir = Files.createTempDirectory("fedfhir-bench-flamby");
      List<String> names = new ArrayList<>();
      for (HeartDiseaseCentre c : HeartDiseaseCentre.values()) {
        names.add(c.code());
      }
      PkiDirectory.init(dir, "FLamby bench network", names);
      Coordinators coordinators = Coordinators.startUp(store, new SecAggSecureSum(), (delay, task) -> {
        var f = deadlines.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
      }, Clock.systemUTC(), Duration.ofSeconds(60), ENCODING).coordinators();
      server = MutualTls.startServer(TlsFiles.inPkiDirectory(dir, PartyName.AGGREGATOR).load(),
          new InetSocketAddress("127.0.0.1", 0), new FederationService(coordinators));
      for (HeartDiseaseCentre c : HeartDiseaseCentre.values()) {
        clients.put(c, FederationClient.mutualTls(new AggregatorAddress("127.0.0.1", server.getPort()),
            SitePkiFiles.locate(dir, c.code())));
      }
    }

    /** Publishes the study at the aggregator, lets the four sites take part, and scores the final model. */
    SeedRun run(FhirContext ctx, PlanDefinition pd, Map<HeartDiseaseCentre, SiteRows> sites) throws Exception {
      StudyDefinition study = parse(pd);
      // the study declares the 10 attributes it extracts; the sites train on FLamby's 13 columns of them,
      // so a network's input layer is as wide as those columns, at the aggregator and at every site
      FederatedSettings declared = FederatedSettings.of(study);
      NeuralNetwork network = declared.network() == null ? null : new NeuralNetwork(
          sites.values().iterator().next().features(), declared.network().hidden(), declared.network().seed());
      FederatedSettings settings = declared.withNetwork(network);
      Map<HeartDiseaseCentre, SiteRoundWork> works = new LinkedHashMap<>();
      sites.forEach((c, rows) -> works.put(c, new SiteRoundWork(rows, settings)));
      int dimension = works.values().iterator().next().modelDimension();
      StudyPlan.Builder builder = StudyPlans.from(study, org.fedfhir.ig.StudyDigest.sha256Hex(ctx, pd)).toBuilder();
      builder.modelDimension(dimension);
      if (network != null) {
        builder.network(network);
      }
      StudyPlan plan = builder.build();
      store.registerStudy(plan);
      SiteSession.Study joined = new SiteSession.Study(study.url(), study.version(), StudyDigest.sha256(ctx, pd),
          dimension);
      Map<HeartDiseaseCentre, CompletableFuture<SiteSession.Outcome>> sessions = new LinkedHashMap<>();
      works.forEach((c, work) -> sessions.put(c, clients.get(c).join(joined, work)));
      long deadline = System.nanoTime() + STUDY_TIMEOUT.toNanos();
      Map<String, Double> perCentre = new LinkedHashMap<>();
      for (var e : sessions.entrySet()) {
        SiteSession.Outcome outcome;
        try {
          outcome = e.getValue().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException failure) {
          sessions.values().forEach(f -> f.cancel(true));
          throw new IllegalStateException(study.url() + ": " + e.getKey().code() + " did not finish the study: "
              + clients.get(e.getKey()).describe(failure), failure);
        }
        SiteRoundWork work = works.get(e.getKey());
        perCentre.put(e.getKey().code(), work.localMetrics(outcome.finalModel(), work.standardisation()).accuracy());
      }
      SiteRoundWork first = works.values().iterator().next();
      double accuracy = first.evaluation() == null ? Double.NaN
          : first.evaluation().networkMetrics().getOrDefault("accuracy", Double.NaN);
      return new SeedRun((int) study.parameters().seed(), perCentre, accuracy, first.privacySpent());
    }

    @Override
    public void close() {
      clients.values().forEach(FederationClient::close);
      server.shutdownNow();
      deadlines.shutdownNow();
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (java.io.IOException e) {
        System.err.println("could not delete " + dir + ": " + e.getMessage());
      }
    }
  }
}
