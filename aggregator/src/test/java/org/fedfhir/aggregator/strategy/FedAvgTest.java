package org.fedfhir.aggregator.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.fedfhir.federation.Payloads;
import org.junit.jupiter.api.Test;

class FedAvgTest {

  private static double[] sum(double[]... payloads) {
    double[] s = new double[payloads[0].length];
    for (double[] p : payloads) {
      for (int i = 0; i < s.length; i++) {
        s[i] += p[i];
      }
    }
    return s;
  }

  @Test
  void averageIsWeightedBySampleCounts() {
    double[] a = Payloads.weightedModel(new double[] {1, 2}, 100);
    double[] b = Payloads.weightedModel(new double[] {3, 6}, 300);
    StrategyStep step = new FedAvg().apply(ModelVector.zeros(2), sum(a, b), new RoundCounts(2, 2),
        StrategyState.NONE);
    assertThat(step.model().toArray()).containsExactly(new double[] {2.5, 5.0}, within(1e-12));
  }

  @Test
  void dropoutsAreLeftOutOfTheAverage() {
    double[] a = Payloads.weightedModel(new double[] {1, 1}, 10);
    double[] c = Payloads.weightedModel(new double[] {4, 4}, 30);
    StrategyStep step = new FedAvg().apply(ModelVector.of(9, 9), sum(a, c), new RoundCounts(3, 2),
        StrategyState.NONE);
    assertThat(step.model().toArray()).containsExactly(new double[] {3.25, 3.25}, within(1e-12));
  }

  @Test
  void fedProxServerStepIsFedAvg() {
    double[] s = sum(Payloads.weightedModel(new double[] {1, -1}, 5),
        Payloads.weightedModel(new double[] {2, 0}, 15));
    RoundCounts counts = new RoundCounts(2, 2);
    ModelVector global = ModelVector.of(0.3, 0.3);
    assertThat(new FedProx(0.01).apply(global, s, counts, StrategyState.NONE))
        .isEqualTo(new FedAvg().apply(global, s, counts, StrategyState.NONE));
  }

  @Test
  void summedPayloadOfTheWrongLengthIsRefusedWithBothLengths() {
    assertThatThrownBy(() -> new FedAvg().apply(ModelVector.zeros(3), new double[] {1, 2, 3},
        new RoundCounts(1, 1), StrategyState.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 values; need 4");
  }

  @Test
  void contributorsCannotExceedParticipants() {
    assertThatThrownBy(() -> new RoundCounts(2, 3))
        .hasMessageContaining("need 1 ≤ contributors ≤ participants");
  }

  @Test
  void modelDigestIsStableAndCanonicalBytesRoundTrip() {
    ModelVector m = ModelVector.of(1.5, -2.0, 0.0);
    assertThat(ModelVector.fromCanonicalBytes(m.canonicalBytes())).isEqualTo(m);
    assertThat(m.digest()).hasSize(64).isEqualTo(ModelVector.of(1.5, -2.0, 0.0).digest());
    assertThat(m.toString()).doesNotContain("1.5");
  }
}
