package org.fedfhir.securecompute.secagg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fedfhir.securecompute.crypto.MaskPrg;
import org.fedfhir.securecompute.crypto.SecretBytes;
import org.fedfhir.securecompute.sharing.ShamirScheme;
import org.fedfhir.securecompute.sharing.Share;
import org.junit.jupiter.api.Test;

/**
 * Everything the aggregator saw in a 3-site round: it holds no site's input, and never enough
 * shares to strip one site's masks alone.
 */
class AggregatorViewTest {

  @Test
  void theAggregatorsViewOfAThreeSiteRoundRevealsNoSingleInput() {
    SteppedRound round = new SteppedRound(Parties.full(3, 16), 0).until(Stage.COMPLETED);
    assertThat(round.sum).isEqualTo(Parties.plainSum(round.inputs, List.of(1, 2, 3), 16));
    int t = round.parties.config.threshold();

    Map<Integer, List<Share>> seedShares = new HashMap<>();
    Map<Integer, List<Share>> keyShares = new HashMap<>();
    for (Object message : round.aggregatorView) {
      if (message instanceof MaskedInput masked) {
        for (long[] input : round.inputs.values()) {
          assertThat(masked.vector()).isNotEqualTo(input);
        }
      }
      if (message instanceof UnmaskResponse response) {
        for (RevealedShare s : response.shares()) {
          (s.kind() == RevealedShare.Kind.SELF_MASK_SEED ? seedShares : keyShares)
              .computeIfAbsent(s.owner(), k -> new ArrayList<>()).add(Share.fromBytes(s.share()));
        }
      }
    }
    assertThat(keyShares).as("no share of a surviving site's masking key").isEmpty();

    // With every self mask it could rebuild, the aggregator still sees only y_u − PRG(b_u), which
    // carries the pairwise masks of u: not x_u.
    for (int site = 1; site <= 3; site++) {
      assertThat(seedShares.get(site)).hasSize(3);
      byte[] seed = new ShamirScheme(t, 3).reconstruct(seedShares.get(site));
      long[] unmaskedAlone = round.maskedInputs.get(site).vector();
      new MaskPrg(32).accumulate(SecretBytes.copyOf(seed), unmaskedAlone, -1);
      assertThat(unmaskedAlone).as("site %d", site).isNotEqualTo(round.inputs.get(site));
    }
  }

  @Test
  void aSiteThatDroppedAfterSharingHasOnlyItsMaskingKeyRevealed() {
    SteppedRound round = new SteppedRound(Parties.full(3, 16), 0).advertise().share().mask(3).check().unmask();
    assertThat(round.sum).isEqualTo(Parties.plainSum(round.inputs, List.of(1, 2), 16));
    for (Object message : round.aggregatorView) {
      if (message instanceof UnmaskResponse response) {
        for (RevealedShare s : response.shares()) {
          if (s.owner() == 3) {
            assertThat(s.kind()).isEqualTo(RevealedShare.Kind.MASKING_KEY);
          } else {
            assertThat(s.kind()).isEqualTo(RevealedShare.Kind.SELF_MASK_SEED);
          }
        }
      }
      if (message instanceof MaskedInput masked) {
        assertThat(masked.sender()).isNotEqualTo(3);
      }
    }
    assertThat(round.maskedInputs).doesNotContainKey(3);
  }
}
