package org.fedfhir.cli.demo;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import org.fedfhir.cli.auth.SiteAccounts;
import org.fedfhir.cli.ehr.EhrLaunchSimulator;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.fedfhir.aggregator.pki.PkiDirectory;
import org.fedfhir.federation.Strategy;
import org.fedfhir.cli.load.LoadOptions;
import org.fedfhir.fhir.loader.BundleLoader;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.tee.fhir.SimulatedTeeService;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * One run of {@code ./fedfhir demo}, phase by phase: PKI, pooled reference, servers, loading,
 * publishing and approving, local-only training, the federated strategies, the report.
 */
final class DemoRun {
  /** What the command asked for. */
  record Settings(Path reportDir, Path workDir, boolean keepRunning, int rounds, DemoNetwork.Isolation isolation,
      Strategy serverOptimiser, Duration startupTimeout) {}

  static final List<String> CENTRES = List.of("cleveland", "hungarian", "switzerland", "va");

  private final Settings settings;
  private final boolean federationFlags;
  private final boolean aggregatorFhirFlag;

  DemoRun(Settings settings, boolean federationFlags, boolean aggregatorFhirFlag) {
    this.settings = settings;
    this.federationFlags = federationFlags;
    this.aggregatorFhirFlag = aggregatorFhirFlag;
  }

  /** Runs the demo; returns the exit code. */
  int run() throws IOException {
    Instant started = Instant.now();
    String loadAtStart = loadAverage();
    Path logsDir = settings.reportDir().resolve("logs");
    clean(logsDir);
    NodeLogs logs = NodeLogs.install(logsDir);
    if (settings.isolation() == DemoNetwork.Isolation.CONTEXT) {
      // every party of this JVM validates studies against the guide: load it once, now, beside the PKI and the
      // pooled reference, rather than five times while the servers start
      FedFhirIg.loadCached(); // after the logs are installed: it logs
    }
    PrintStream out = logs.console();
    boolean tempWork = settings.workDir() == null;
    Path work = tempWork ? Files.createTempDirectory("fedfhir-demo-") : settings.workDir();
    Topology topology = Topology.onFreePorts(CENTRES, work, federationFlags, aggregatorFhirFlag);
    FhirContext ctx = FhirContext.forR4Cached();
    PhaseClock clock = new PhaseClock();

    out.printf("FedFHIR demo: %d hospitals (HAPI FHIR JPA, H2 in %s) and an aggregator on loopback, each its own %s%n",
        CENTRES.size(), work, settings.isolation() == DemoNetwork.Isolation.PROCESS ? "JVM" : "Spring context");
    out.println("  server logs: " + logsDir + " (patient data never goes to the console); load average "
        + loadAtStart + " on " + Runtime.getRuntime().availableProcessors() + " cores");
    if (!federationFlags) {
      out.println("  note: this build's hospital server has no --aggregator/--pki flags yet (docs/federation.md): "
          + "federated $train will be refused and those strategies recorded as not run");
    }

    clock.time("PKI enrolment (network CA; aggregator, TEE, researcher and 4 sites, each key in its own directory)", () -> {
      // the CA key is encrypted under a passphrase that lives only in this run's memory
      org.fedfhir.aggregator.pki.CaPassphrase passphrase = org.fedfhir.aggregator.pki.CaPassphrase.random();
      PkiDirectory.init(topology.pkiDir(), "FedFHIR demo network", CENTRES, passphrase);
      PkiDirectory.enrol(topology.pkiDir(), Topology.RESEARCHER, org.fedfhir.access.Role.RESEARCHER, List.of(),
          passphrase);
      return PkiDirectory.caDirectory(topology.pkiDir());
    });

    StudyVariants variants = new StudyVariants(ctx);
    PlanDefinition reference = variants.reference();
    PooledReference.Result pooled = clock.time("pooled reference (in the demo's memory)", () -> {
      try {
        StudyDefinition study = new StudyParser().parse(reference);
        return new PooledReference().train(study);
      } catch (org.fedfhir.study.InvalidStudyException e) {
        throw new IllegalStateException("the reference study is invalid: " + e.getMessage(), e);
      }
    });

    DemoNetwork network = new DemoNetwork(topology, settings.isolation(), logs);
    Path modelsFile = work.resolve("fedfhir.models");
    SimulatedTeeService tee = federationFlags && aggregatorFhirFlag
        ? clock.time("TEE model service (simulated evidence)", () -> startTee(out, topology)) : null;
    List<String> aggregatorTee = tee == null ? List.of() : List.of("--tee", tee.server().baseUrl(),
        "--tee-measurement", tee.measurement().hex(), "--tee-platform-key",
        HexFormat.of().formatHex(tee.platformPublicKey()), "--tee-models-file", modelsFile.toString());
    List<String> hospitalTee = tee == null ? List.of() : List.of("--tee", tee.server().baseUrl(),
        "--tee-measurement", tee.measurement().hex(), "--tee-platform-key",
        HexFormat.of().formatHex(tee.platformPublicKey()), "--tee-models", modelsFile.toString());
    Optional<String> aggregatorDown;
    try {
      aggregatorDown = clock.time("start aggregator + 4 hospitals (in parallel)", () -> {
        long t0 = System.nanoTime();
        network.startAll(aggregatorTee, hospitalTee);
        Map<String, Double> ready = network.awaitHospitals(settings.startupTimeout(), t0);
        ready.forEach((c, s) -> out.printf(Locale.ROOT, "  hospital %-11s ready in %5.1f s at %s%n", c, s,
            topology.hospitalBase(c)));
        Optional<String> down = network.awaitAggregator(Duration.ofSeconds(60));
        out.println(down.map(r -> "  aggregator did not start: " + r).orElse("  aggregator ready: gRPC (mTLS) on "
            + "localhost:" + topology.aggregatorGrpcPort() + (topology.aggregatorFhirBase() == null
            ? " (this build has no aggregator FHIR endpoint)" : ", FHIR at " + topology.aggregatorFhirBase())));
        return down;
      });
    } catch (DemoNetwork.StartFailure e) {
      out.println("demo stopped: " + e.getMessage());
      network.close();
      closeTee(tee);
      return 1;
    }

    SiteIdentities identities = new SiteIdentities(topology);
    TrainingDriver driver = new TrainingDriver(new FhirHttp(ctx), topology, identities, out);
    List<StrategyResult> strategies = new ArrayList<>();
    Map<String, Object> inference = new LinkedHashMap<>();
    Map<String, Object> statistics = new LinkedHashMap<>();
    try {
      clock.time("load UCI data over FHIR REST (4 in parallel)", () -> load(ctx, topology, identities, out));
      Map<String, String> refused = clock.time("publish + approve reference study", () ->
          driver.publishAndApprove(reference));
      if (!refused.isEmpty()) {
        out.println("demo stopped: the hospitals refused the reference study: " + TrainingDriver.describe(refused));
        return 1;
      }
      TrainingDriver.Run local = clock.time("$train mode=local (4 in parallel)",
          () -> driver.local(reference, Duration.ofMinutes(3)));
      strategies.add(local.result());
      printLocal(out, local, pooled);

      for (Strategy s : federatedStrategies()) {
        String name = displayName(s);
        String code = s.code();
        StrategyResult r = clock.time("federated " + name, () -> {
          try {
            return federated(name, s, variants, topology, driver, aggregatorDown, ctx, out);
          } catch (RuntimeException e) {
            out.println("  failed in the demo: " + e);
            return new StrategyResult(name, code, true, StrategyResult.Outcome.FAILED, "the demo failed: " + e,
                Map.of(), List.of());
          }
        });
        strategies.add(r);
      }

      Optional<StrategyResult> best = strategies.stream()
          .filter(s -> s.secureAggregation() && s.outcome() == StrategyResult.Outcome.COMPLETED)
          .max(Comparator.comparingDouble(s -> s.meanTestAccuracy(CENTRES)));
      if (tee == null || best.isEmpty()) {
        inference.put("status", "not-run");
        inference.put("reason", tee == null ? "this build's aggregator or hospital lacks the flags the TEE needs"
            : "no federated strategy completed");
      } else {
        StrategyResult b = best.get();
        PlanDefinition pd = variants.federated(Strategy.fromCode(b.code()), settings.rounds(), CENTRES.size());
        String study = pd.getUrl() + "|" + pd.getVersion();
        out.printf("Inference ($infer through the TEE model service, %s's model):%n", b.name());
        inference.putAll(clock.time("$infer: 3 patients at each hospital (TEE)", () -> {
          try {
            return new InferenceDriver(new FhirHttp(ctx), topology, identities, out).run(b.name(), study, modelsFile,
                Duration.ofSeconds(40));
          } catch (RuntimeException e) {
            out.println("  failed in the demo: " + e);
            return Map.<String, Object>of("status", "failed", "reason", String.valueOf(e));
          }
        }));
      }
      if (aggregatorDown.isEmpty() && topology.aggregatorFhirBase() != null) {
        out.println("Secure statistics (heart-disease-stats: one secure-aggregation round, then one per Newton "
            + "iteration of the logistic regression):");
        statistics.putAll(clock.time("statistics study ($secure-stats)", () -> {
          try {
            return new StatisticsDriver(new FhirHttp(ctx), FhirHttp.researcherAtAggregator(ctx, topology), topology,
                driver, out).run(StatisticsDriver.study(ctx));
          } catch (RuntimeException e) {
            out.println("  failed in the demo: " + e);
            return Map.<String, Object>of("status", "failed", "reason", String.valueOf(e));
          }
        }));
      }
      if (aggregatorDown.isEmpty() && topology.aggregatorFhirBase() != null) {
        out.println("Clean room (clean-room-median: median.wasm over every hospital's sealed rows in the TEE; the "
            + "median and quartiles of cholesterol by diagnosis, sealed to the researcher):");
        // in report.json beside the secure statistics: the clean room's result is a statistic too
        statistics.put("cleanRoom", clock.time("clean-room study ($clean-room)", () -> {
          try {
            return new CleanRoomDriver(new FhirHttp(ctx), FhirHttp.researcherAtAggregator(ctx, topology), topology,
                driver, out).run(ctx);
          } catch (RuntimeException e) {
            out.println("  failed in the demo: " + e);
            return Map.<String, Object>of("status", "failed", "reason", String.valueOf(e));
          }
        }));
      }
    } finally {
      Map<String, Object> runSettings = new LinkedHashMap<>();
      runSettings.put("isolation", settings.isolation().name().toLowerCase(Locale.ROOT));
      runSettings.put("rounds", settings.rounds());
      runSettings.put("newtonRounds", StudyVariants.roundsFor(Strategy.NEWTON, settings.rounds()));
      runSettings.put("localEpochsPerRound", StudyVariants.LOCAL_EPOCHS_PER_ROUND);
      runSettings.put("hospitals", topology.hospitalPorts());
      runSettings.put("aggregatorGrpcPort", topology.aggregatorGrpcPort());
      runSettings.put("cores", Runtime.getRuntime().availableProcessors());
      runSettings.put("loadAverageAtStart", loadAtStart);
      runSettings.put("loadAverageAtEnd", loadAverage());
      Map<String, Double> cpu = new LinkedHashMap<>();
      clock.cpuSeconds().forEach((k, v) -> cpu.put(k, Math.round(v * 10) / 10.0));
      runSettings.put(ReportWriter.CPU_SECONDS_PER_PHASE, cpu);
      Map<String, Double> phases = clock.seconds();
      long t0 = System.nanoTime();
      DemoReport report = new DemoReport(started, CENTRES, strategies, pooled.perCentre(), FlambyResults.load(),
          phases, runSettings, inference, statistics);
      List<Path> files = ReportWriter.write(report, settings.reportDir());
      Map<String, Double> withReport = new LinkedHashMap<>(phases);
      withReport.put("report", (System.nanoTime() - t0) / 1e9);
      report = new DemoReport(started, CENTRES, strategies, pooled.perCentre(), report.flamby(), withReport, runSettings,
          inference, statistics);
      files = ReportWriter.write(report, settings.reportDir());
      out.println();
      out.println("Test accuracy (each site's own test split; mean = mean over the four centres):");
      out.print(ReportWriter.table(report));
      out.println("Pooled: reference only, computed by the demo on the rows pooled in its own memory. "
          + "FLamby: published figures (" + ReportWriter.FLAMBY_SOURCE + ").");
      out.println("Protocols: the demo's rows use the demo's (every row, missing values imputed, the study's seeded "
          + "split); FLamby's rows use FLamby's (rows with a '?' dropped, its own split). On FLamby's rows and "
          + "split: ./fedfhir bench flamby");
      out.println();
      out.println("Where the time went:");
      out.print(ReportWriter.phases(report));
      out.println("Report: " + files.get(0) + ", " + files.get(1));
    }

    if (settings.keepRunning()) {
      out.println("Servers keep running (Ctrl-C to stop):");
      CENTRES.forEach(c -> out.println("  " + c + ": " + topology.hospitalBase(c) + " (tokens from "
          + topology.hospitalIssuer(c) + ", accounts in " + topology.hospitalAuthDir(c) + ")"));
      String c0 = CENTRES.get(0);
      out.println("  e.g. TOKEN=$(./fedfhir token --issuer " + topology.hospitalIssuer(c0) + " --user steward --accounts "
          + topology.hospitalAuthDir(c0) + " --aud " + topology.hospitalBase(c0) + " --scope 'openid fhirUser user/*.cruds')");
      out.println("       curl -H \"Authorization: Bearer $TOKEN\" " + topology.hospitalBase(c0) + "/Task");
      List<EhrLaunchSimulator.Site> ehrSites = new ArrayList<>();
      CENTRES.forEach(c -> ehrSites.add(new EhrLaunchSimulator.Site(c, topology.hospitalBase(c),
          topology.hospitalIssuer(c), new SiteAccounts(topology.hospitalAuthDir(c).resolve("directory.json"),
              topology.hospitalAuthDir(c).resolve("credentials.json")), identities.integrator(c))));
      try {
        EhrLaunchSimulator ehr = EhrLaunchSimulator.start(ehrSites, 0);
        out.println("Clinicians' risk app: open " + ehr.url() + " (EHR launch simulator), pick a patient, sign in as"
            + " clinician with the password in " + topology.hospitalAuthDir(c0).resolve("credentials.json")
            + " (each hospital has its own)");
      } catch (IOException e) {
        out.println("the EHR launch simulator did not start: " + e.getMessage());
      }
      try {
        Thread.currentThread().join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 0;
    }
    out.println("To see the clinicians' risk app in a browser: ./fedfhir demo --keep-running (an EHR launch "
        + "simulator opens it for a demo patient)");
    network.close();
    closeTee(tee);
    if (tempWork && settings.isolation() == DemoNetwork.Isolation.PROCESS) {
      deleteTree(work);
    }
    return 0;
  }

  /** The TEE with its certificate of the demo's network: mutual TLS, sites predict, the aggregator provisions. */
  private static SimulatedTeeService startTee(PrintStream out, Topology topology) {
    try {
      java.nio.file.Path pki = topology.pkiDir();
      org.fedfhir.aggregator.pki.TlsFiles own = org.fedfhir.aggregator.pki.TlsFiles.inPkiDirectory(pki, "tee");
      SimulatedTeeService t = SimulatedTeeService.start("127.0.0.1", 0, new org.fedfhir.access.TlsSettings(
          own.certificate(), own.privateKey(), own.ca(), org.fedfhir.access.TlsSettings.ClientAuth.NEED, own.crl()));
      out.println("  TEE model service at " + t.server().baseUrl() + ", measurement "
          + t.measurement().hex().substring(0, 16) + "… (SIMULATED evidence, software platform key)");
      return t;
    } catch (Exception e) {
      throw new IllegalStateException("the simulated TEE model service did not start: " + e, e);
    }
  }

  private static void closeTee(SimulatedTeeService tee) {
    if (tee != null) {
      try {
        tee.close();
      } catch (Exception e) {
        // the demo is ending
      }
    }
  }

  List<Strategy> federatedStrategies() {
    return List.of(Strategy.FEDAVG, settings.serverOptimiser(), Strategy.NEWTON);
  }

  /** The strategy's name in the demo's output and report. */
  static String displayName(Strategy s) {
    return switch (s) {
      case FEDAVG -> "FedAvg";
      case FEDPROX -> "FedProx";
      case FEDADAM -> "FedAdam";
      case FEDADAGRAD -> "FedAdagrad";
      case FEDYOGI -> "FedYogi";
      case NEWTON -> "Newton";
    };
  }

  private StrategyResult federated(String name, Strategy strategy, StudyVariants variants, Topology topology,
      TrainingDriver driver, Optional<String> aggregatorDown, FhirContext ctx, PrintStream out) {
    String code = strategy.code();
    int rounds = StudyVariants.roundsFor(strategy, settings.rounds());
    out.printf(Locale.ROOT, "Federated %s (%d rounds, secure aggregation):%n", name, rounds);
    StrategyResult r;
    if (aggregatorDown.isPresent()) {
      r = StrategyResult.notRun(name, code, true, "the aggregator did not start: " + aggregatorDown.get());
    } else {
      PlanDefinition pd = variants.federated(strategy, settings.rounds(), CENTRES.size());
      String refusal = null;
      if (topology.aggregatorFhirBase() != null) {
        FhirHttp http = FhirHttp.researcherAtAggregator(ctx, topology);
        FhirHttp.Answer a = http.put(topology.aggregatorFhirBase(), pd);
        refusal = a.ok() ? null : "the aggregator refused the study: " + http.describe(a);
      }
      if (refusal == null) {
        Map<String, String> refused = driver.publishAndApprove(pd);
        refusal = refused.isEmpty() ? null : "hospitals refused the study: " + TrainingDriver.describe(refused);
      }
      r = refusal != null ? StrategyResult.notRun(name, code, true, refusal)
          : driver.federated(name, code, pd, rounds, Duration.ofSeconds(90 + 15L * rounds)).result();
    }
    switch (r.outcome()) {
      case NOT_RUN -> out.println("  not run: " + r.reason());
      case FAILED -> out.println("  failed: " + r.reason());
      case COMPLETED -> out.printf(Locale.ROOT, "  done: mean test accuracy %s%n",
          ReportWriter.fmt(r.meanTestAccuracy(CENTRES)));
    }
    return r;
  }

  /**
   * Transactions in flight per hospital while loading: one, so each hospital stores its centre's rows in the
   * file's order, its seeded split picks the same test patients as the pooled reference, and federated
   * Newton's accuracy equals the pooled model's.
   */
  private static final int IN_FILE_ORDER = 1;

  /**
   * Each hospital's integrator system loads its centre (SMART Backend Services token) as
   * {@code ./fedfhir load} does: transactions of {@link LoadOptions#PER_BUNDLE} patients, one at a time
   * ({@link #IN_FILE_ORDER}).
   */
  static void load(FhirContext ctx, Topology topology, SiteIdentities identities, PrintStream out) {
    LocalDate today = LocalDate.now();
    Map<String, CompletableFuture<Integer>> loads = new LinkedHashMap<>();
    for (String c : topology.centres()) {
      loads.put(c, CompletableFuture.supplyAsync(() -> new BundleLoader(ctx, topology.hospitalBase(c), identities.integrator(c))
          .loadHeartDisease(HeartDiseaseCentre.fromCode(c), LoadOptions.PER_BUNDLE, today, IN_FILE_ORDER)));
    }
    loads.forEach((c, f) -> out.printf("  %-11s %d patients loaded%n", c, f.join()));
  }

  private static void printLocal(PrintStream out, TrainingDriver.Run local, PooledReference.Result pooled) {
    StrategyResult r = local.result();
    if (r.outcome() != StrategyResult.Outcome.COMPLETED) {
      out.println("  local training " + r.outcome().code() + ": " + r.reason());
    }
    r.perCentre().forEach((c, acc) -> out.printf(Locale.ROOT, "  %-11s local-only test accuracy %.3f%n", c, acc));
    local.tasks().forEach((c, v) -> {
      Double n = v.outputs().get("test-count");
      Integer expected = pooled.testCounts().get(c);
      if (n != null && expected != null && n.intValue() != expected) {
        out.printf("  warning: %s tested on %d rows, the pooled reference's split of it has %d%n", c, n.intValue(),
            expected);
      }
    });
  }

  /** The 1/5/15-minute load averages (Linux), to read the timings against: the cores may be shared. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static void clean(Path logs) throws IOException {
    if (Files.isDirectory(logs)) {
      try (Stream<Path> s = Files.list(logs)) {
        for (Path p : s.filter(p -> p.toString().endsWith(".log")).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(logs);
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
