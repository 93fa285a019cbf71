package org.fedfhir.securecompute.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ε is charged per release to the study's ledger, and a release the budget cannot pay is refused. */
class DifferentialPrivacyTest {

  private static final ContingencyTable TABLE = new ContingencyTable("cp-by-diagnosis", "cp",
      List.of("1", "2", "3", "4"), "num", List.of("0", "1"));
  private static final double[] COUNTS = {26, 20, 150, 19, 131, 69, 104, 392};

  @Test
  void eachNoisyReleaseIsChargedAndTheOneThatWouldOverspendIsRefusedBeforeAnythingIsReleased() {
    PrivacyLedger ledger = new PrivacyLedger("http://fedfhir.org/fhir/PlanDefinition/s", 1.0);
    Release release = Release.of(DisclosurePolicy.defaults(), 4).withPrivacy(ledger, 0.4, Federation.seeded(1));

    ContingencyTable.Result first = TABLE.combine(COUNTS, release);
    TABLE.combine(COUNTS, release);
    assertThat(ledger.spent()).isCloseTo(0.8, within(1e-12));
    assertThat(first.epsilon()).contains(0.4);

    assertThatThrownBy(() -> TABLE.combine(COUNTS, release))
        .isInstanceOf(PrivacyBudgetExhaustedException.class)
        .hasMessageContaining("cp-by-diagnosis").hasMessageContaining("0.2");
    assertThat(ledger.entries()).extracting(PrivacyLedger.Entry::statistic)
        .containsExactly("cp-by-diagnosis", "cp-by-diagnosis");
    assertThat(ledger.remaining()).isCloseTo(0.2, within(1e-12));
  }

  @Test
  void noisyCountsAreIntegersNearTheTruthAndTheirMarginsAddUp() {
    PrivacyLedger ledger = new PrivacyLedger("s", 100);
    Release release = Release.of(DisclosurePolicy.defaults(), 4).withPrivacy(ledger, 1.0, Federation.seeded(2));
    ContingencyTable.Result r = TABLE.combine(COUNTS, release);
    long sum = 0;
    for (int i = 0; i < 4; i++) {
      long row = 0;
      for (int j = 0; j < 2; j++) {
        long c = r.cells()[i][j].orElseThrow();
        assertThat((double) c).isCloseTo(COUNTS[i * 2 + j], within(25.0));
        row += c;
      }
      assertThat(r.rowTotals()[i].orElseThrow()).isEqualTo(row);
      sum += row;
    }
    assertThat(r.total().orElseThrow()).isEqualTo(sum);
  }

  @Test
  void whenTheSitesAddedTheNoiseTheReleaseIsChargedAndReportedButNotNoisedAgain() {
    PrivacyLedger ledger = new PrivacyLedger("s", 1.0);
    Release release = Release.of(DisclosurePolicy.defaults(), 4).withNoiseFromSites(ledger, 0.4, 1e-6);
    // the sum as the aggregator unmasks it: already noisy, one cell pushed below zero by the sites' noise
    double[] noisy = COUNTS.clone();
    noisy[1] = -3;

    ContingencyTable.Result r = TABLE.combine(noisy, release);

    assertThat(ledger.spent()).isCloseTo(0.4, within(1e-12));
    assertThat(r.epsilon()).contains(0.4);
    assertThat(release.privacy().orElseThrow().delta()).isEqualTo(1e-6);
    assertThat(release.privacy().orElseThrow().centralNoise()).isEmpty();
    assertThat(r.cells()[0][0].orElseThrow()).isEqualTo(26);
    assertThat(r.cells()[2][0].orElseThrow()).isEqualTo(131);
    assertThat(r.rowTotals()[0].orElseThrow()).as("a negative noisy cell is released as 0").isEqualTo(26);

    NumericSummary summary = new NumericSummary("chol", "chol", null, List.of(), 80, 640,
        new double[] {80, 360, 640}, new double[0]);
    // n and clipped come as 0 from the sites; the count is the sum of the (noisy) bins
    NumericSummary.Result s = summary.combine(new double[] {0, 40, 90_000, 0, 30, 20},
        Release.of(DisclosurePolicy.defaults(), 4).withNoiseFromSites(ledger, 0.5, 1e-6));
    assertThat(s.groups().get(0).count().orElseThrow()).isEqualTo(50);
    assertThat(s.groups().get(0).mean().orElseThrow()).isCloseTo(360 + 40.0 / 50, within(1e-9));
    assertThat(s.groups().get(0).clipped()).isEmpty();
    assertThat(ledger.spent()).isCloseTo(0.9, within(1e-12));
  }

  @Test
  void discreteLaplaceHasMeanZeroAndVarianceOfItsScale() {
    DiscreteLaplace noise = new DiscreteLaplace(Federation.seeded(3));
    double scale = 2.0;
    int n = 200_000;
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      long x = noise.sample(scale);
      sum += x;
      squares += (double) x * x;
    }
    double q = Math.exp(-1 / scale);
    double variance = 2 * q / ((1 - q) * (1 - q));
    assertThat(sum / n).isCloseTo(0, within(0.05));
    assertThat(squares / n).isCloseTo(variance, within(variance * 0.03));
  }

  @Test
  void numericSummaryUnderPrivacySpendsOnceForAllGroupsAndReleasesNoClippedCount() {
    NumericSummary summary = new NumericSummary("chol", "chol", "sex", List.of("0", "1"), 80, 640,
        NumericSummary.evenEdges(80, 640, 7), new double[] {0.5});
    List<NumericSummary.Value> values = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      values.add(new NumericSummary.Value(i % 2 == 0 ? "0" : "1", 150 + (i % 200)));
    }
    PrivacyLedger ledger = new PrivacyLedger("s", 1);
    NumericSummary.Result r = summary.combine(summary.encode(values),
        Release.of(DisclosurePolicy.defaults(), 3).withPrivacy(ledger, 1, Federation.seeded(4)));
    assertThat(ledger.entries()).hasSize(1);
    assertThat(r.groups()).allSatisfy(g -> {
      assertThat(g.clipped()).isEmpty();
      assertThat(g.mean().getAsDouble()).isCloseTo(249.5, within(50.0));
    });
  }

  @Test
  void statisticsWithoutAPrivacyMechanismRefuseAPrivateRelease() {
    WelchTest welch = new WelchTest("w", "x", "g", "a", "b", 0, 1);
    PrivacyLedger ledger = new PrivacyLedger("s", 1);
    assertThatThrownBy(() -> welch.combine(new double[6],
        Release.of(DisclosurePolicy.defaults(), 3).withPrivacy(ledger, 0.5, Federation.seeded(5))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not offered");
    assertThat(ledger.spent()).isZero();
  }
}
