package org.fedfhir.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.Callable;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.crypto.MaskPrg;
import org.fedfhir.securecompute.crypto.SecretBytes;
import org.fedfhir.securecompute.crypto.X25519;
import org.fedfhir.securecompute.secagg.GraphPolicy;
import org.fedfhir.securecompute.secagg.LocalRound;
import org.fedfhir.securecompute.secagg.NeighbourGraph;
import org.fedfhir.securecompute.secagg.SecAggConfig;
import org.fedfhir.securecompute.secagg.Stage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir bench secagg}: one secure-aggregation round among N in-process sites, timed per
 * party, beside two baselines measured in the same run — a plain unprotected sum of the same
 * vectors, and the raw AES-CTR keystream that a site must generate for its masks and that the
 * aggregator must regenerate for the sites that dropped out — and the floor: the primitives each party cannot do
 * without (agreements, verifications, mask expansions), timed one after the other on one core. Figures are
 * medians over repetitions.
 */
@Command(
    name = "secagg",
    mixinStandardHelpOptions = true,
    description = "Time a secure-aggregation round (Bonawitz et al. 2017 / SecAgg+) against its baselines.")
public final class SecAggBench implements Callable<Integer> {

  @Option(names = "--sites", description = "number of sites N (default ${DEFAULT-VALUE})")
  int sites = 10;

  @Option(names = "--dim", description = "vector length D (default ${DEFAULT-VALUE})")
  int dim = 1000;

  @Option(names = "--dropout", description = "fraction of sites that drop out after sharing their keys, "
      + "before sending their masked input — the costliest point for the aggregator; the sparse graph is "
      + "built to tolerate it (default ${DEFAULT-VALUE})")
  double dropout = 0.0;

  @Option(names = "--graph", description = "auto (SecAgg+ where the graph policy finds it safe for N, else full), "
      + "full (Bonawitz et al.) or sparse (SecAgg+, degree from the dropout alone) (default ${DEFAULT-VALUE})")
  String graph = "auto";

  @Option(names = "--corruption", description = "fraction of sites the graph policy assumes collude with the "
      + "aggregator (default ${DEFAULT-VALUE}, as GraphPolicy.DEFAULT)")
  double corruption = GraphPolicy.DEFAULT.corruption();

  @Option(names = "--bits", description = "modulus bits k (default ${DEFAULT-VALUE})")
  int bits = 32;

  @Option(names = "--repetitions", description = "timed rounds; the figures are medians (default ${DEFAULT-VALUE})")
  int repetitions = 3;

  @Option(names = "--json", description = "also write the figures to this file")
  Path json;

  @Option(names = "--no-header", description = "print only the table row (for building a table of several runs)")
  boolean noHeader;

  @Override
  public Integer call() throws IOException {
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("--dropout " + dropout + " must be in [0, 1)");
    }
    NeighbourGraph.Kind kind = switch (graph) {
      case "auto" -> null;
      case "full" -> NeighbourGraph.Kind.FULL;
      case "sparse" -> NeighbourGraph.Kind.SPARSE;
      default -> throw new IllegalArgumentException("--graph " + graph + " must be auto, full or sparse");
    };
    SecureRandom random = new SecureRandom();
    SecAggConfig.Builder builder = SecAggConfig.builder().study("http://fedfhir.org/fhir/PlanDefinition/bench")
        .vectorLength(dim).modulusBits(bits).policy(policy())
        .dropoutTolerance(Math.max(dropout, NeighbourGraph.DEFAULT_DROPOUT_TOLERANCE));
    if (kind != null) {
      builder.graph(kind);
    }
    byte[] graphSeed = new byte[32];
    random.nextBytes(graphSeed);
    builder.graphSeed(graphSeed);
    Map<Integer, SecretBytes> signing = new HashMap<>();
    for (Map.Entry<Integer, Ed25519.KeyPair> e : LocalRound.signingKeys(sites, random).entrySet()) {
      builder.site(e.getKey(), e.getValue().publicKey());
      signing.put(e.getKey(), e.getValue().privateKey());
    }
    SecAggConfig config = builder.build();
    int dropped = (int) Math.round(sites * dropout);
    if (sites - dropped < config.threshold()) {
      throw new IllegalArgumentException("dropout " + dropout + " leaves " + (sites - dropped)
          + " sites, fewer than the threshold " + config.threshold());
    }
    Map<Integer, long[]> inputs = randomInputs(config, random);
    long modulusMask = bits == 64 ? -1L : (1L << bits) - 1;

    warmUp(config, signing, random);

    List<Double> siteMs = new ArrayList<>();
    List<Double> aggregatorMs = new ArrayList<>();
    List<Double> bytes = new ArrayList<>();
    List<Double> plainMs = new ArrayList<>();
    List<Double> siteKeystreamMs = new ArrayList<>();
    List<Double> aggregatorKeystreamMs = new ArrayList<>();
    List<Double> siteMaskingMs = new ArrayList<>();
    List<Double> aggregatorMaskingMs = new ArrayList<>();
    List<Double> siteFloorMs = new ArrayList<>();
    List<Double> aggregatorFloorMs = new ArrayList<>();
    MaskPrg prg = new MaskPrg(bits);
    byte[] scratch = new byte[32 * 1024];
    for (int rep = 0; rep < repetitions; rep++) {
      List<Integer> order = new ArrayList<>(config.sites());
      Collections.shuffle(order, random);
      Map<Integer, Stage> dropouts = new HashMap<>();
      for (int i = 0; i < dropped; i++) {
        dropouts.put(order.get(i), Stage.MASKED_INPUT);
      }
      LocalRound.Result result = new LocalRound(config, signing, random).run(rep, inputs, dropouts);
      SortedSet<Integer> inSum = result.participants().get(Stage.MASKED_INPUT);
      long[] expected = plainSum(inputs, inSum, modulusMask);
      if (!java.util.Arrays.equals(expected, result.sum())) {
        throw new IllegalStateException("secure sum differs from the plain sum: a protocol error");
      }
      long start = System.nanoTime();
      plainSum(inputs, config.sites(), modulusMask);
      plainMs.add(millis(System.nanoTime() - start));

      List<Double> perSite = new ArrayList<>();
      List<Double> perSiteBytes = new ArrayList<>();
      for (int site : inSum) {
        perSite.add(millis(result.siteNanos().get(site)));
        perSiteBytes.add((double) result.bytesSent().get(site));
      }
      siteMs.add(median(perSite));
      bytes.add(median(perSiteBytes));
      aggregatorMs.add(millis(result.aggregatorNanos()));

      SortedSet<Integer> u2 = result.participants().get(Stage.SHARE_KEYS);
      List<Integer> siteExpansions = new ArrayList<>();
      for (int site : inSum) {
        int peers = 0;
        for (int n : config.graph().neighbours(site)) {
          peers += u2.contains(n) ? 1 : 0;
        }
        siteExpansions.add(1 + peers);
      }
      Collections.sort(siteExpansions);
      int medianSiteExpansions = siteExpansions.get(siteExpansions.size() / 2);
      int droppedPairs = 0;
      for (int gone : u2) {
        if (!inSum.contains(gone)) {
          for (int n : config.graph().neighbours(gone)) {
            droppedPairs += inSum.contains(n) ? 1 : 0;
          }
        }
      }
      int aggregatorExpansions = inSum.size() + droppedPairs;
      int medianPeers = medianSiteExpansions - 1;
      siteFloorMs.add(floor(medianPeers, medianPeers, medianSiteExpansions, random));
      aggregatorFloorMs.add(floor(droppedPairs, result.participants().get(Stage.ADVERTISE_KEYS).size(),
          aggregatorExpansions, random));
      siteKeystreamMs.add(keystream(prg, medianSiteExpansions, dim, scratch, random));
      aggregatorKeystreamMs.add(keystream(prg, aggregatorExpansions, dim, scratch, random));
      siteMaskingMs.add(masking(prg, medianSiteExpansions, dim, random));
      aggregatorMaskingMs.add(masking(prg, aggregatorExpansions, dim, random));
    }

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("sites", sites);
    figures.put("dim", dim);
    figures.put("dropout", dropout);
    figures.put("graph", config.graph().kind() == NeighbourGraph.Kind.FULL ? "full" : "sparse");
    figures.put("corruption", corruption);
    figures.put("neighbours", config.graph().degree());
    figures.put("threshold", config.threshold());
    figures.put("modulusBits", bits);
    figures.put("repetitions", repetitions);
    figures.put("siteMillis", median(siteMs));
    figures.put("aggregatorMillis", median(aggregatorMs));
    figures.put("bytesPerSite", median(bytes));
    figures.put("plainSumMillis", median(plainMs));
    figures.put("siteKeystreamMillis", median(siteKeystreamMs));
    figures.put("aggregatorKeystreamMillis", median(aggregatorKeystreamMs));
    figures.put("siteMaskingMillis", median(siteMaskingMs));
    figures.put("aggregatorMaskingMillis", median(aggregatorMaskingMs));
    figures.put("siteFloorMillis", median(siteFloorMs));
    figures.put("aggregatorFloorMillis", median(aggregatorFloorMs));
    print(figures);
    if (json != null) {
      Files.writeString(json, toJson(figures), StandardCharsets.UTF_8);
    }
    return 0;
  }

  /** One untimed round on short vectors, so the timed rounds run compiled code. */
  private void warmUp(SecAggConfig config, Map<Integer, SecretBytes> signing, SecureRandom random) {
    SecAggConfig.Builder small = SecAggConfig.builder().study(config.study()).vectorLength(Math.min(dim, 1000))
        .modulusBits(bits).policy(policy()).graph(config.graph().kind()).threshold(config.threshold())
        .dropoutTolerance(Math.max(dropout, NeighbourGraph.DEFAULT_DROPOUT_TOLERANCE));
    if (config.graph().kind() == NeighbourGraph.Kind.SPARSE) {
      small.degree(config.graph().degree());
    }
    for (int site : config.sites()) {
      small.site(site, config.signingKey(site));
    }
    SecAggConfig warm = small.build();
    new LocalRound(warm, signing, random).run(0, randomInputs(warm, random), Map.of());
  }

  /** The graph policy of the run: designed for the run's dropout (at least 10 %) and --corruption. */
  private GraphPolicy policy() {
    return GraphPolicy.DEFAULT.withDropout(Math.max(dropout, GraphPolicy.DEFAULT.dropout())).withCorruption(corruption);
  }

  /**
   * The floor: the primitives a party cannot do without, one after the other on one core —
   * {@code agreements} X25519 agreements, {@code verifications} Ed25519 verifications and
   * {@code expansions} mask expansions added into a vector of the run's words.
   */
  private double floor(int agreements, int verifications, int expansions, SecureRandom random) {
    X25519.KeyPair own = X25519.generate(random);
    List<byte[]> peers = new ArrayList<>();
    for (int i = 0; i < agreements; i++) {
      peers.add(X25519.generate(random).publicKey());
    }
    Ed25519.KeyPair signer = Ed25519.generate(random);
    byte[] message = new byte[200];
    random.nextBytes(message);
    byte[] signature = Ed25519.sign(signer.privateKey(), message);
    byte[] publicKey = signer.publicKey();
    List<SecretBytes> seeds = new ArrayList<>();
    for (int i = 0; i < expansions; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      seeds.add(SecretBytes.copyOf(seed));
    }
    MaskPrg prg = new MaskPrg(bits);
    int[] words = bits <= 32 ? new int[dim] : null;
    long[] wide = bits <= 32 ? null : new long[dim];
    long start = System.nanoTime();
    for (byte[] peer : peers) {
      X25519.agree(own.privateKey(), peer).destroy();
    }
    for (int i = 0; i < verifications; i++) {
      if (!Ed25519.verify(publicKey, message, signature)) {
        throw new IllegalStateException("a valid signature did not verify");
      }
    }
    for (SecretBytes seed : seeds) {
      if (words != null) {
        prg.accumulate(seed, words, 1);
      } else {
        prg.accumulate(seed, wide, 1);
      }
    }
    return millis(System.nanoTime() - start);
  }

  private static double keystream(MaskPrg prg, int expansions, int length, byte[] scratch, SecureRandom random) {
    List<SecretBytes> seeds = new ArrayList<>();
    for (int i = 0; i < expansions; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      seeds.add(SecretBytes.copyOf(seed));
    }
    long start = System.nanoTime();
    for (SecretBytes seed : seeds) {
      prg.keystreamOnly(seed, length, scratch);
    }
    return millis(System.nanoTime() - start);
  }

  /** The same expansions as {@link #keystream}, added into a vector: the masking arithmetic alone. */
  private static double masking(MaskPrg prg, int expansions, int length, SecureRandom random) {
    List<SecretBytes> seeds = new ArrayList<>();
    for (int i = 0; i < expansions; i++) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      seeds.add(SecretBytes.copyOf(seed));
    }
    long[] vector = new long[length];
    long start = System.nanoTime();
    for (SecretBytes seed : seeds) {
      prg.accumulate(seed, vector, 1);
    }
    return millis(System.nanoTime() - start);
  }

  private Map<Integer, long[]> randomInputs(SecAggConfig config, SecureRandom random) {
    long mask = bits == 64 ? -1L : (1L << bits) - 1;
    Map<Integer, long[]> inputs = new HashMap<>();
    for (int site : config.sites()) {
      long[] x = new long[config.vectorLength()];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextLong() & mask;
      }
      inputs.put(site, x);
    }
    return inputs;
  }

  private static long[] plainSum(Map<Integer, long[]> inputs, Iterable<Integer> sites, long mask) {
    long[] sum = null;
    for (int site : sites) {
      long[] x = inputs.get(site);
      if (sum == null) {
        sum = new long[x.length];
      }
      for (int i = 0; i < x.length; i++) {
        sum[i] = (sum[i] + x[i]) & mask;
      }
    }
    return sum;
  }

  private void print(Map<String, Object> f) {
    if (!noHeader) {
      System.out.println("| sites | dim | dropout | graph (k, t) | site ms | site floor ms | site ratio "
          + "| aggregator ms | aggregator floor ms | aggregator ratio | site keystream ms | aggregator keystream ms "
          + "| plain sum ms | bytes/site |");
      System.out.println("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    }
    double site = (double) f.get("siteMillis");
    double siteFloor = (double) f.get("siteFloorMillis");
    double agg = (double) f.get("aggregatorMillis");
    double aggFloor = (double) f.get("aggregatorFloorMillis");
    System.out.println(String.format(Locale.ROOT,
        "| %d | %,d | %.1f | %s (%d, %d) | %.2f | %.2f | %.1f× | %.2f | %.2f | %.1f× | %.2f | %.2f | %.2f | %,.0f |",
        sites, dim, dropout, f.get("graph"), f.get("neighbours"), f.get("threshold"), site, siteFloor, site / siteFloor,
        agg, aggFloor, agg / aggFloor, f.get("siteKeystreamMillis"), f.get("aggregatorKeystreamMillis"),
        f.get("plainSumMillis"), f.get("bytesPerSite")));
  }

  private static String toJson(Map<String, Object> figures) {
    StringBuilder out = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, Object> e : figures.entrySet()) {
      Object v = e.getValue();
      String value = v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
      out.append("  \"").append(e.getKey()).append("\": ").append(value)
          .append(++i < figures.size() ? ",\n" : "\n");
    }
    return out.append("}\n").toString();
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
