package org.fedfhir.securecompute.statistics;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.crypto.SecretBytes;
import org.fedfhir.securecompute.secagg.LocalRound;
import org.fedfhir.securecompute.secagg.SecAggConfig;
import org.fedfhir.securecompute.secagg.Stage;

/** Sites 1..n running a statistics study through real secure aggregation, seeded. */
final class Federation {

  static final String STUDY = "http://fedfhir.org/fhir/PlanDefinition/stats-test";

  final SecureRandom random;
  final SecAggConfig config;
  final StatisticsEncoding encoding;
  final Map<Integer, SecretBytes> signingKeys = new HashMap<>();
  private long round;

  Federation(int sites, List<? extends SufficientStatistic<?, ?>> statistics, int maxRecordsPerSite, long seed) {
    this.random = seeded(seed);
    this.encoding = StatisticsEncoding.forStudy(statistics, maxRecordsPerSite, 16);
    SecAggConfig.Builder builder = SecAggConfig.builder().study(STUDY).vectorLength(encoding.length())
        .modulusBits(StatisticsEncoding.MODULUS_BITS);
    for (Map.Entry<Integer, Ed25519.KeyPair> e : LocalRound.signingKeys(sites, random).entrySet()) {
      builder.site(e.getKey(), e.getValue().publicKey());
      signingKeys.put(e.getKey(), e.getValue().privateKey());
    }
    this.config = builder.build();
  }

  InProcessStatisticsRound.Outcome run(Map<Integer, List<double[]>> siteVectors) {
    return run(siteVectors, Map.of());
  }

  InProcessStatisticsRound.Outcome run(Map<Integer, List<double[]>> siteVectors, Map<Integer, Stage> dropouts) {
    return new InProcessStatisticsRound(config, signingKeys, encoding, random).run(round++, siteVectors, dropouts);
  }

  /** Runs with an observer on every message the aggregator receives or sends. */
  LocalRound.Result observe(Map<Integer, long[]> encoded, Consumer<Object> observer) {
    return new LocalRound(config, signingKeys, random).observeAggregator(observer).run(round++, encoded, Map.of());
  }

  static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
