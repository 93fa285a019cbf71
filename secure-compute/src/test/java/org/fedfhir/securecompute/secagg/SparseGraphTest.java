package org.fedfhir.securecompute.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.crypto.MaskPrg;
import org.fedfhir.securecompute.crypto.SecretBytes;
import org.fedfhir.securecompute.sharing.ShamirScheme;
import org.fedfhir.securecompute.sharing.Share;
import org.junit.jupiter.api.Test;

/**
 * The SecAgg+ graph a study gets by default from its number of sites ({@link GraphPolicy#DEFAULT}:
 * 10 % dropouts, 2 % colluding sites, failure ≤ 10⁻⁶): a hundred sites mask with 50 neighbours each,
 * the sum stays exact with the designed dropouts, and the aggregator's view still hides every input.
 */
class SparseGraphTest {

  private static final int LENGTH = 16;
  private final SecureRandom random = Parties.seeded(7);
  private final Map<Integer, SecretBytes> signing = new HashMap<>();

  private SecAggConfig config(int sites) {
    SecAggConfig.Builder builder = SecAggConfig.builder().study(Parties.STUDY).vectorLength(LENGTH).modulusBits(32);
    for (Map.Entry<Integer, Ed25519.KeyPair> e : LocalRound.signingKeys(sites, random).entrySet()) {
      builder.site(e.getKey(), e.getValue().publicKey());
      signing.put(e.getKey(), e.getValue().privateKey());
    }
    return builder.build();
  }

  @Test
  void aHundredSitesGetTheSparseGraphAndThirtyTheCompleteOne() {
    SecAggConfig hundred = config(100);
    assertThat(hundred.graph().kind()).isEqualTo(NeighbourGraph.Kind.SPARSE);
    assertThat(hundred.graph().degree()).isEqualTo(50);
    assertThat(hundred.threshold()).isEqualTo(31);
    // 50 is the least even degree whose best threshold keeps both failures below 10⁻⁶.
    assertThat(GraphPolicy.DEFAULT.failure(100, 50, 31)).isLessThanOrEqualTo(1e-6);
    for (int t = 25; t <= 49; t++) {
      assertThat(GraphPolicy.DEFAULT.failure(100, 48, t)).as("k 48, t %d", t).isGreaterThan(1e-6);
    }
    SecAggConfig thirty = config(30);
    assertThat(thirty.graph().kind()).isEqualTo(NeighbourGraph.Kind.FULL);
    assertThat(thirty.threshold()).isEqualTo(20);
  }

  @Test
  void tenPercentDropoutsInOneNeighbourhoodStillGiveTheExactSum() {
    SecAggConfig config = config(100);
    Map<Integer, long[]> inputs = inputs(config);
    // The worst place for the designed 10 dropouts: all among site 1's neighbours, at the stage
    // that leaves their pairwise masks in the sum.
    Map<Integer, Stage> dropouts = new TreeMap<>();
    for (int gone : new ArrayList<>(config.graph().neighbours(1)).subList(0, 10)) {
      dropouts.put(gone, Stage.MASKED_INPUT);
    }
    List<Object> seen = new ArrayList<>();
    LocalRound.Result result = new LocalRound(config, signing, random).observeAggregator(seen::add)
        .run(0, inputs, dropouts);

    SortedSet<Integer> inSum = result.participants().get(Stage.MASKED_INPUT);
    assertThat(inSum).hasSize(90).doesNotContainAnyElementsOf(dropouts.keySet());
    assertThat(result.sum()).isEqualTo(Parties.plainSum(inputs, inSum, LENGTH));

    // What the aggregator held: for each site at most its neighbourhood's shares of one secret, and
    // with every self mask it could rebuild, a site's masked input minus it is still not the input.
    Map<Integer, List<Share>> seedShares = new HashMap<>();
    Map<Integer, MaskedInput> masked = new HashMap<>();
    for (Object message : seen) {
      if (message instanceof MaskedInput m) {
        masked.put(m.sender(), m);
        assertThat(m.vector()).isNotEqualTo(inputs.get(m.sender()));
      }
      if (message instanceof UnmaskResponse response) {
        for (RevealedShare s : response.shares()) {
          assertThat(config.graph().neighbourhood(s.owner())).contains(response.sender());
          assertThat(s.kind()).isEqualTo(inSum.contains(s.owner())
              ? RevealedShare.Kind.SELF_MASK_SEED : RevealedShare.Kind.MASKING_KEY);
          if (s.kind() == RevealedShare.Kind.SELF_MASK_SEED) {
            seedShares.computeIfAbsent(s.owner(), k -> new ArrayList<>()).add(Share.fromBytes(s.share()));
          }
        }
      }
    }
    for (int site : List.of(1, 50, 100)) {
      byte[] seed = new ShamirScheme(config.threshold(), config.graph().degree() + 1).reconstruct(seedShares.get(site));
      long[] withoutSelfMask = masked.get(site).vector();
      new MaskPrg(32).accumulate(SecretBytes.copyOf(seed), withoutSelfMask, -1);
      assertThat(withoutSelfMask).as("site %d", site).isNotEqualTo(inputs.get(site));
    }
  }

  @Test
  void aDesignNeedingMoreNeighboursThanSharesAllowIsRefusedWithItsNumbers() {
    SecAggConfig.Builder builder = SecAggConfig.builder().study(Parties.STUDY).vectorLength(LENGTH).modulusBits(32)
        .policy(GraphPolicy.DEFAULT.withDropout(0.3));
    LocalRound.signingKeys(500, random).forEach((site, keys) -> builder.site(site, keys.publicKey()));
    assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 314 neighbours for 500 sites, more than the 254 that GF(2^8) shares allow");
  }

  private Map<Integer, long[]> inputs(SecAggConfig config) {
    Map<Integer, long[]> inputs = new HashMap<>();
    for (int site : config.sites()) {
      inputs.put(site, random.longs(LENGTH).map(v -> v & 0xFFFFFFFFL).toArray());
    }
    return inputs;
  }
}
