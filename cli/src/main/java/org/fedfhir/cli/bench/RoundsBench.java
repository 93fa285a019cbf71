package org.fedfhir.cli.bench;

import org.fedfhir.federation.Standardisation;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.fedfhir.federation.Payloads;
import org.fedfhir.federation.Strategy;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.aggregator.grpc.FederationService;
import org.fedfhir.aggregator.grpc.MutualTls;
import org.fedfhir.aggregator.pki.PartyName;
import org.fedfhir.aggregator.pki.PkiDirectory;
import org.fedfhir.aggregator.pki.TlsFiles;
import org.fedfhir.aggregator.round.Coordinators;
import org.fedfhir.aggregator.round.SecAggSecureSum;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.crypto.SecretBytes;
import org.fedfhir.securecompute.secagg.LocalRound;
import org.fedfhir.securecompute.secagg.SecAggConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir bench rounds}: the latency of a federated training round over real gRPC with
 * mutual TLS on loopback (aggregator coordinator, N site sessions with their own TLS channels and
 * certificates from a fresh network PKI, the secure-aggregation protocol, FedAvg), beside the same
 * protocol run in one process without transport ({@link LocalRound}), measured in the same run.
 */
@Command(name = "rounds", mixinStandardHelpOptions = true,
    description = "Round latency over gRPC with mutual TLS against the in-process protocol alone.")
public final class RoundsBench implements java.util.concurrent.Callable<Integer> {

  @Option(names = "--sites", description = "number of sites N (default ${DEFAULT-VALUE})")
  int sites = 4;

  @Option(names = "--dim", description = "model dimension D (default ${DEFAULT-VALUE})")
  int dim = 1000;

  @Option(names = "--rounds", description = "training rounds timed (default ${DEFAULT-VALUE})")
  int rounds = 10;

  @Option(names = "--json", description = "also write the figures to this file")
  Path json;

  private static final FixedPointEncoding ENCODING = FixedPointEncoding.newBuilder()
      .setModulusBits(64).setFractionBits(24).setClip(1 << 30).build();

  @Override
  public Integer call() throws Exception {
    if (sites < 3 || dim < 4 || dim % 2 != 0 || rounds < 2) {
      throw new IllegalArgumentException("need --sites ≥ 3, an even --dim ≥ 4 and --rounds ≥ 2");
    }
    Path dir = Files.createTempDirectory("fedfhir-bench-rounds");
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= sites; i++) {
      names.add("site-" + i);
    }
    PkiDirectory.init(dir.resolve("pki"), "bench network", names);
    StudyRef study = new StudyRef("http://fedfhir.org/fhir/PlanDefinition/bench-rounds", "1");
    String digest = "b0".repeat(32);
    InMemoryStudyStore store = new InMemoryStudyStore();
    store.registerStudy(StudyPlan.training(study, digest).strategy(Strategy.FEDAVG).rounds(rounds).minSites(sites)
        .modelDimension(dim).build());
    ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor();
    Coordinators coordinators = Coordinators.startUp(store, new SecAggSecureSum(), (delay, task) -> {
      var f = deadlines.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
      return () -> f.cancel(false);
    }, Clock.systemUTC(), Duration.ofSeconds(60), ENCODING).coordinators();
    Server server = MutualTls.startServer(TlsFiles.inPkiDirectory(dir.resolve("pki"), PartyName.AGGREGATOR).load(),
        new InetSocketAddress("127.0.0.1", 0), new FederationService(coordinators));

    Map<Integer, Long> roundEnds = new ConcurrentHashMap<>();
    List<ManagedChannel> channels = new ArrayList<>();
    List<CompletableFuture<SiteSession.Outcome>> outcomes = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (String name : names) {
        ManagedChannel ch = MutualTls.channel(TlsFiles.inPkiDirectory(dir.resolve("pki"), name).load(),
            "127.0.0.1", server.getPort());
        channels.add(ch);
        outcomes.add(new SiteSession(FederationGrpc.newStub(ch), new SiteSession.Study(study.url(), study.version(),
            HexFormat.of().parseHex(digest), dim), work(name.equals(names.get(0)) ? roundEnds : null),
            new SecureRandom()).start());
      }
      for (CompletableFuture<SiteSession.Outcome> o : outcomes) {
        o.get(30, TimeUnit.MINUTES);
      }
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
      server.shutdownNow();
      deadlines.shutdownNow();
    }
    long total = System.nanoTime() - start;
    List<Double> tls = new ArrayList<>();
    for (int r = 3; r <= rounds + 1; r++) {
      if (roundEnds.containsKey(r) && roundEnds.containsKey(r - 1)) {
        tls.add((roundEnds.get(r) - roundEnds.get(r - 1)) / 1e6);
      }
    }
    List<Double> local = localRounds();

    double tlsMedian = median(tls);
    double localMedian = median(local);
    System.out.println("| sites | dim | rounds | round over gRPC + mTLS, median ms | in-process protocol, median ms | ratio | whole study s |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
    System.out.println(String.format(Locale.ROOT, "| %d | %,d | %d | %.1f | %.1f | %.1f× | %.1f |", sites, dim,
        rounds, tlsMedian, localMedian, tlsMedian / localMedian, total / 1e9));
    if (json != null) {
      Files.writeString(json, String.format(Locale.ROOT, "{%n  \"sites\": %d,%n  \"dim\": %d,%n  \"rounds\": %d,%n"
          + "  \"tlsRoundMillis\": %.3f,%n  \"inProcessRoundMillis\": %.3f,%n  \"studySeconds\": %.3f%n}%n",
          sites, dim, rounds, tlsMedian, localMedian, total / 1e9), StandardCharsets.UTF_8);
    }
    return 0;
  }

  /** A site that trains instantly to fixed weights; one of them records when each training round ends. */
  private SiteSession.RoundWork work(Map<Integer, Long> ends) {
    double[] weights = new double[dim];
    java.util.Arrays.fill(weights, 0.5);
    return new SiteSession.TrainingWork() {
      @Override
      public double[] moments() {
        double[] m = new double[3 * (dim / 2 - 1)];
        for (int j = 0; j < m.length; j += 3) {
          m[j] = 1;
        }
        return m;
      }

      @Override
      public double[] train(int round, double[] global, Standardisation s) {
        return Payloads.weightedModel(weights, 100);
      }

      @Override
      public double[] evaluate(double[] model, Standardisation s) {
        return new double[] {1, 0, 1, 0, 0.5};
      }

      @Override
      public void roundCompleted(SiteSession.RoundResult result) {
        if (ends != null && (result.phase() == Phase.TRAIN || result.phase() == Phase.STANDARDISE)) {
          ends.put(result.round(), System.nanoTime());
        }
      }
    };
  }

  /** The same round (same N, payload length) by {@link LocalRound}: the protocol alone. */
  private List<Double> localRounds() {
    SecureRandom random = new SecureRandom();
    SecAggConfig.Builder builder = SecAggConfig.builder().study("bench|1").vectorLength(dim + 1 + 5).modulusBits(64);
    Map<Integer, SecretBytes> keys = new HashMap<>();
    for (Map.Entry<Integer, Ed25519.KeyPair> e : LocalRound.signingKeys(sites, random).entrySet()) {
      builder.site(e.getKey(), e.getValue().publicKey());
      keys.put(e.getKey(), e.getValue().privateKey());
    }
    SecAggConfig config = builder.build();
    Map<Integer, long[]> inputs = new HashMap<>();
    for (int site : config.sites()) {
      inputs.put(site, random.longs(config.vectorLength()).toArray());
    }
    List<Double> times = new ArrayList<>();
    for (int r = 0; r < rounds + 1; r++) {
      long t = System.nanoTime();
      new LocalRound(config, keys, random).run(r, inputs, Map.of());
      if (r > 0) {
        times.add((System.nanoTime() - t) / 1e6);
      }
    }
    return times;
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
