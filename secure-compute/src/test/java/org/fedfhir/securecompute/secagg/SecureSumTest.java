package org.fedfhir.securecompute.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The aggregator gets exactly the plain sum of the surviving inputs, whoever drops out when. */
class SecureSumTest {

  private static final Stage[] DROP_STAGES = {
      Stage.ADVERTISE_KEYS, Stage.SHARE_KEYS, Stage.MASKED_INPUT, Stage.CONSISTENCY_CHECK, Stage.UNMASK};

  @Test
  void unmaskedSumEqualsPlainSumForRandomInputsAndRandomDropoutsAtEveryStage() {
    Random choice = new Random(7);
    for (int trial = 0; trial < 40; trial++) {
      int n = 3 + choice.nextInt(10);
      Parties parties = new Parties(n, 1 + choice.nextInt(64), NeighbourGraph.Kind.FULL, null, trial);
      int t = parties.config.threshold();
      Map<Integer, Stage> dropouts = randomDropouts(parties, n - t, choice);
      Map<Integer, long[]> inputs = parties.randomInputs();

      LocalRound.Result result = parties.localRound().run(trial, inputs, dropouts);

      Set<Integer> inSum = sitesPast(Stage.MASKED_INPUT, parties, dropouts);
      assertThat(result.participants().get(Stage.MASKED_INPUT)).containsExactlyElementsOf(inSum);
      assertThat(result.sum()).as("trial %d: n=%d t=%d dropouts=%s", trial, n, t, dropouts)
          .isEqualTo(Parties.plainSum(inputs, inSum, parties.config.vectorLength()));
    }
  }

  @Test
  void sparseGraphSumIsExactWithDropouts() {
    Random choice = new Random(11);
    Parties parties = new Parties(60, 300, NeighbourGraph.Kind.SPARSE, null, 3);
    assertThat(parties.config.graph().degree()).isLessThan(59);
    for (int trial = 0; trial < 3; trial++) {
      Map<Integer, Stage> dropouts = randomDropouts(parties, 6, choice);
      Map<Integer, long[]> inputs = parties.randomInputs();
      LocalRound.Result result = parties.localRound().run(trial, inputs, dropouts);
      Set<Integer> inSum = sitesPast(Stage.MASKED_INPUT, parties, dropouts);
      assertThat(result.sum()).isEqualTo(Parties.plainSum(inputs, inSum, 300));
    }
  }

  @Test
  void sparseSitesTalkOnlyToTheirNeighbours() {
    Parties parties = new Parties(60, 10, NeighbourGraph.Kind.SPARSE, null, 5);
    List<Object> seen = new ArrayList<>();
    parties.localRound().observeAggregator(seen::add).run(0, parties.randomInputs(), Map.of());
    int degree = parties.config.graph().degree();
    for (Object message : seen) {
      if (message instanceof ShareKeys shares) {
        assertThat(shares.shares()).hasSize(degree);
      }
      if (message instanceof KeyRoster roster) {
        assertThat(roster.advertisements()).hasSize(degree + 1);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Stage.class, names = {"ADVERTISE_KEYS", "SHARE_KEYS", "MASKED_INPUT", "CONSISTENCY_CHECK", "UNMASK"})
  void roundAbortsAndRevealsNothingWhenFewerThanThresholdSitesRemain(Stage stage) {
    Parties parties = Parties.full(5, 8);
    assertThat(parties.config.threshold()).isEqualTo(4);
    List<Object> seen = new ArrayList<>();
    LocalRound round = parties.localRound().observeAggregator(seen::add);

    assertThatThrownBy(() -> round.run(1, parties.randomInputs(), Map.of(1, stage, 2, stage)))
        .isInstanceOf(RoundAbortedException.class)
        .hasMessageContaining("3 sites completed " + stage.code())
        .hasMessageContaining("threshold 4");
    assertThat(seen).noneMatch(m -> m instanceof RevealedShare || m instanceof UnmaskResponse
        && stage.ordinal() < Stage.UNMASK.ordinal());
  }

  @Test
  void thresholdMustBeAMajorityAndAtMostTheSites() {
    assertThatThrownBy(() -> new Parties(5, 4, NeighbourGraph.Kind.FULL, 7, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("threshold 7 exceeds neighbourhood 5; need 3 ≤ t ≤ 5");
    assertThatThrownBy(() -> new Parties(5, 4, NeighbourGraph.Kind.FULL, 2, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 3 ≤ t ≤ 5");
    assertThat(new Parties(5, 4, NeighbourGraph.Kind.FULL, 3, 1).config.threshold()).isEqualTo(3);
  }

  @Test
  void neighbourCountAndThresholdAreDerivedFromTheNumberOfSites() {
    assertThat(NeighbourGraph.derivedDegree(10)).isEqualTo(9);
    assertThat(NeighbourGraph.derivedDegree(100, 0.0)).isEqualTo(20);
    assertThat(NeighbourGraph.derivedDegree(500, 0.1)).isEqualTo(34);
    assertThat(NeighbourGraph.derivedDegree(500, 0.3)).isEqualTo(198);
    // The degree is the smallest that keeps every neighbourhood above its threshold with
    // probability ≥ 1 − 10⁻⁶ under the tolerated dropout rate.
    assertThat(500 * NeighbourGraph.neighbourhoodFailure(199, 100, 0.3)).isLessThanOrEqualTo(1e-6);
    assertThat(500 * NeighbourGraph.neighbourhoodFailure(197, 99, 0.3)).isGreaterThan(1e-6);
    Parties many = new Parties(300, 4, NeighbourGraph.Kind.SPARSE, null, 1);
    assertThat(many.config.graph().degree()).isEqualTo(32);
    assertThat(many.config.threshold()).isEqualTo(17);
    for (int site : many.config.sites()) {
      assertThat(many.config.graph().neighbours(site)).hasSize(32).doesNotContain(site);
      for (int other : many.config.graph().neighbours(site)) {
        assertThat(many.config.graph().neighbours(other)).contains(site);
      }
    }
    assertThatThrownBy(() -> new Parties(300, 4, NeighbourGraph.Kind.FULL, null, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use the sparse graph");
  }

  private static Map<Integer, Stage> randomDropouts(Parties parties, int maxDropouts, Random choice) {
    List<Integer> sites = new ArrayList<>(parties.config.sites());
    java.util.Collections.shuffle(sites, choice);
    int count = maxDropouts == 0 ? 0 : choice.nextInt(maxDropouts + 1);
    Map<Integer, Stage> dropouts = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      dropouts.put(sites.get(i), DROP_STAGES[choice.nextInt(DROP_STAGES.length)]);
    }
    return dropouts;
  }

  private static Set<Integer> sitesPast(Stage stage, Parties parties, Map<Integer, Stage> dropouts) {
    Set<Integer> sites = new TreeSet<>();
    for (int site : parties.config.sites()) {
      Stage dropAt = dropouts.get(site);
      if (dropAt == null || dropAt.ordinal() > stage.ordinal()) {
        sites.add(site);
      }
    }
    return sites;
  }
}
