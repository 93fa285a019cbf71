package org.fedfhir.cli.bench;

import ca.uhn.fhir.context.FhirContext;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.fedfhir.cli.DatabaseLogin;
import org.fedfhir.cli.auth.LocalAuthServer;
import org.fedfhir.cli.auth.SiteAccounts;
import org.fedfhir.cli.demo.FreePorts;
import org.fedfhir.cli.load.LoadOptions;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.loader.BundleLoader;
import org.fedfhir.fhir.loader.SyntheticCohort;
import org.fedfhir.fhir.plugin.DaoClinicalDataSource;
import org.fedfhir.fhir.server.HospitalServer;
import org.fedfhir.fhir.training.LinearAlgorithm;
import org.fedfhir.fhir.training.LocalTrainer;
import org.fedfhir.fhir.training.TrainingConfig;
import org.fedfhir.fhir.training.TrainingData;
import org.fedfhir.fhir.training.TrainingResult;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.testing.ThrowawayPostgres;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code ./fedfhir bench extract}: loads a seeded synthetic population ({@link SyntheticCohort}) into
 * an in-process hospital server over REST the way {@code ./fedfhir load synthetic} does (transactions
 * of many patients, several in flight; Consents by a data steward), then extracts the heart-disease
 * study's feature matrix through the JPA DAOs (streamed page by page) and trains on it. Prints rates
 * and the peak heap; never fails on speed. The hospital's database is H2 in memory, a PostgreSQL
 * server started for the run, or one given by {@code --jdbc-url}.
 */
@Command(name = "extract", mixinStandardHelpOptions = true,
    description = "Load a synthetic population into a hospital server and measure load and extraction rates.")
public final class ExtractBench implements Callable<Integer> {
  @Option(names = "--patients", defaultValue = "10000", description = "Patients (default ${DEFAULT-VALUE}).")
  int patients;

  @picocli.CommandLine.Mixin
  LoadOptions loading = new LoadOptions();

  @Option(names = "--seed", defaultValue = "43", description = "Generator seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--db", defaultValue = "h2", description = "h2 (in memory) or postgres (default ${DEFAULT-VALUE}).")
  String db;

  @Option(names = "--jdbc-url", paramLabel = "URL", description = "With --db postgres: an existing, empty database "
      + "(jdbc:postgresql://…); without it a throwaway server is started from " + "/usr/lib/postgresql/15/bin.")
  String jdbcUrl;

  @CommandLine.Mixin
  DatabaseLogin login = new DatabaseLogin();

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures to this file.")
  Path json;

  @Option(names = "--already-loaded", description = "With --jdbc-url: the database already holds the population "
      + "an earlier run loaded with the same --patients and --seed; skip the load and measure extraction only "
      + "(to iterate on extraction without reloading).")
  boolean alreadyLoaded;

  @Override
  public Integer call() throws Exception {
    loading.check();
    if (!db.equals("h2") && !db.equals("postgres")) {
      System.err.println("--db " + db + ": need h2 or postgres");
      return 2;
    }
    if (jdbcUrl != null && !db.equals("postgres")) {
      System.err.println("--jdbc-url goes with --db postgres");
      return 2;
    }
    if (alreadyLoaded && jdbcUrl == null) {
      System.err.println("--already-loaded goes with --jdbc-url (a throwaway or in-memory database starts empty)");
      return 2;
    }
    if (db.equals("postgres") && jdbcUrl == null) {
      Optional<String> missing = ThrowawayPostgres.unavailable();
      if (missing.isPresent()) {
        System.err.println("--db postgres without --jdbc-url: " + missing.get());
        return 2;
      }
      ThrowawayPostgres server = ThrowawayPostgres.shared();
      ThrowawayPostgres.Database bench = server.createDatabase("bench");
      return run(bench.jdbcUrl(), bench.user(), bench.password(),
          "PostgreSQL " + server.version() + " (throwaway, fsync off)");
    }
    if (db.equals("postgres")) {
      String user = login.user() == null ? "postgres" : login.user();
      return run(jdbcUrl, user, login.password(), "PostgreSQL at " + jdbcUrl);
    }
    return run("jdbc:h2:mem:fedfhir-bench;DB_CLOSE_DELAY=-1", null, null, "H2 in memory");
  }

  private int run(String url, String user, String password, String dbName) throws Exception {
    FhirContext fhir = FhirContext.forR4Cached();
    long s0 = System.nanoTime();
    int port = FreePorts.loopback(1).get(0);
    String base = "http://localhost:" + port + "/fhir";
    Path authDir = Files.createTempDirectory("fedfhir-bench-auth");
    try (LocalAuthServer auth = LocalAuthServer.start(SiteAccounts.inDirectory(authDir, "bench", base), "127.0.0.1", 0,
            base);
        ConfigurableApplicationContext ctx = HospitalServer.start(new HospitalServer.Options(port, null, "bench", url,
            user, password, null, null, auth.issuer(), null, java.util.List.of(), null, null, null, null, false))) {
      double startup = (System.nanoTime() - s0) / 1e9;
      BundleLoader loader = new BundleLoader(fhir, base, auth.integratorTokens(base));
      BundleLoader steward = new BundleLoader(fhir, base, auth.userTokens("steward", "openid fhirUser user/*.cruds",
          base));
      Heap heap = new Heap();
      long l0 = System.nanoTime();
      BundleLoader.Loaded loaded = alreadyLoaded ? null
          : loader.loadSynthetic(new SyntheticCohort(seed, LocalDate.now()), patients, loading.perBundle(),
              loading.inFlight(), steward);
      double load = alreadyLoaded ? Double.NaN : (System.nanoTime() - l0) / 1e9;
      double loadHeap = heap.peakMegabytes();

      StudyDefinition study;
      try (InputStream in = ExtractBench.class.getResourceAsStream("/studies/heart-disease-lr.json")) {
        study = new StudyParser().parse(fhir.newJsonParser().parseResource(PlanDefinition.class, in));
      }
      DaoClinicalDataSource data = ctx.getBean(DaoClinicalDataSource.class);
      FeatureExtractor extractor = new FeatureExtractor(new UcumConverter());
      extractor.extract(study, data, Instant.now()); // warm-up
      System.gc();
      heap = new Heap();
      long c0 = cpuNanos();
      long e0 = System.nanoTime();
      Extraction ex = extractor.extract(study, data, Instant.now());
      double extract = (System.nanoTime() - e0) / 1e9;
      double extractCpu = (cpuNanos() - c0) / 1e9;
      double extractHeap = heap.peakMegabytes();
      long t0 = System.nanoTime();
      TrainingResult r = new LocalTrainer().train(
          new TrainingData(ex.matrix().names(), ex.matrix().values(), ex.matrix().labels()),
          new TrainingConfig(LinearAlgorithm.LOGISTIC_REGRESSION, study.parameters().localEpochs(),
              study.parameters().learningRate(), seed, study.parameters().testFraction()), null);
      double train = (System.nanoTime() - t0) / 1e9;

      System.out.printf("%nbench extract: %d synthetic patients, %s resources, %d per transaction, %d in flight, %s, "
          + "max heap %d MB%n", patients, loaded == null ? "(loaded earlier)" : loaded.resources(),
          loading.perBundle(), loading.inFlight(), dbName,
          Runtime.getRuntime().maxMemory() >> 20);
      System.out.printf("%-38s %10s %12s %16s%n", "step", "seconds", "patients/s", "peak heap (MB)");
      System.out.printf("%-38s %10.1f %12s %16s%n", "server start (HAPI JPA)", startup, "", "");
      if (loaded != null) {
        System.out.printf("%-38s %10.1f %12.0f %16.0f%n", "load (REST transactions)", load, patients / load,
            loadHeap);
      }
      System.out.printf("%-38s %10.2f %12.0f %16.0f%n", "extract 10 features (DAO, paged, warm)", extract,
          patients / extract, extractHeap);
      System.out.printf("%-38s %10.2f %12.0f%n", "train LR (" + study.parameters().localEpochs() + " epochs)", train,
          patients / train);
      System.out.printf("rows %d, excluded by consent %d, missing %d, unconvertible units %d, test accuracy %.3f, "
          + "AUC %.3f%n", ex.counts().included(), ex.counts().excludedConsent(), ex.counts().missing(),
          ex.counts().unconvertibleUnits(), r.metrics().accuracy(), r.metrics().auc());
      System.out.printf("extraction used %.2f s of this process's CPU (%.1f cores; the database server's not counted)%n",
          extractCpu, extractCpu / extract);
      System.out.println("peak heap: the whole process (the hospital server runs in it), sum of the heap pools' peaks");
      if (json != null) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("patients", patients);
        figures.put("db", db);
        if (loaded != null) {
          figures.put("resources", loaded.resources());
          figures.put("perBundle", loading.perBundle());
          figures.put("inFlight", loading.inFlight());
          figures.put("loadSeconds", load);
          figures.put("loadPatientsPerSecond", patients / load);
        }
        figures.put("extractSeconds", extract);
        figures.put("extractPatientsPerSecond", patients / extract);
        figures.put("peakHeapMegabytes", extractHeap);
        figures.put("extractCpuSeconds", extractCpu);
        if (loaded != null) {
          figures.put("loadPeakHeapMegabytes", loadHeap);
        }
        figures.put("maxHeapMegabytes", Runtime.getRuntime().maxMemory() >> 20);
        figures.put("rows", ex.counts().included());
        figures.put("loadAverage", Files.readString(Path.of("/proc/loadavg")).trim());
        Files.writeString(json, BenchJson.write(figures));
      }
    }
    return 0;
  }

  /** CPU time of this whole process (all threads), nanoseconds. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The peak heap since construction: the heap pools' peaks are reset, then summed. */
  private static final class Heap {
    Heap() {
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          pool.resetPeakUsage();
        }
      }
    }

    double peakMegabytes() {
      long bytes = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          bytes += pool.getPeakUsage().getUsed();
        }
      }
      return bytes / (1024.0 * 1024.0);
    }
  }
}
