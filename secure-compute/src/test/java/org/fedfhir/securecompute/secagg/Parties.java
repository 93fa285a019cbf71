package org.fedfhir.securecompute.secagg;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.crypto.SecretBytes;

/** Sites 1..n with long-term keys, a configuration, and random inputs: the cast of a test round. */
final class Parties {

  static final String STUDY = "http://fedfhir.org/fhir/PlanDefinition/test-study";

  final SecureRandom random;
  final SecAggConfig config;
  final Map<Integer, SecretBytes> signingKeys = new HashMap<>();

  Parties(int n, int length, NeighbourGraph.Kind graph, Integer threshold, long seed) {
    this.random = seeded(seed);
    SecAggConfig.Builder builder = SecAggConfig.builder().study(STUDY).vectorLength(length).modulusBits(32).graph(graph);
    Map<Integer, Ed25519.KeyPair> keys = LocalRound.signingKeys(n, random);
    keys.forEach((site, pair) -> {
      builder.site(site, pair.publicKey());
      signingKeys.put(site, pair.privateKey());
    });
    if (threshold != null) {
      builder.threshold(threshold);
    }
    this.config = builder.build();
  }

  static Parties full(int n, int length) {
    return new Parties(n, length, NeighbourGraph.Kind.FULL, null, 42);
  }

  Map<Integer, long[]> randomInputs() {
    Map<Integer, long[]> inputs = new TreeMap<>();
    for (int site : config.sites()) {
      long[] x = new long[config.vectorLength()];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextLong() & 0xFFFFFFFFL;
      }
      inputs.put(site, x);
    }
    return inputs;
  }

  static long[] plainSum(Map<Integer, long[]> inputs, Iterable<Integer> sites, int length) {
    long[] sum = new long[length];
    for (int site : sites) {
      long[] x = inputs.get(site);
      for (int i = 0; i < length; i++) {
        sum[i] = (sum[i] + x[i]) & 0xFFFFFFFFL;
      }
    }
    return sum;
  }

  LocalRound localRound() {
    return new LocalRound(config, signingKeys, random);
  }

  SiteRound site(RoundId id, int site) {
    return new SiteRound(config, id, site, signingKeys.get(site), random);
  }

  static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
