package org.fedfhir.aggregator.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import org.fedfhir.federation.Payloads;
import org.fedfhir.federation.Strategy;
import org.junit.jupiter.api.Test;

class StrategiesTest {

  @Test
  void everyStrategyOfAStudyHasItsAggregationPolicyReadingItsPayload() {
    for (Strategy s : Strategy.values()) {
      AggregationStrategy policy = Strategies.of(s, s.modelDimension(3), 0.01, 0.1, 0.5);
      assertThat(policy.strategy()).isSameAs(s);
      assertThat(policy.payloadLength(s.modelDimension(3))).isEqualTo(s.updateLength(s.modelDimension(3)));
    }
    assertThat(Strategies.of(Strategy.FEDPROX, 8, 0.25, 0.1, 0)).isInstanceOfSatisfying(FedProx.class,
        p -> assertThat(p.mu()).isEqualTo(0.25));
    assertThat(Strategies.of(Strategy.FEDYOGI, 8, 0, 0.1, 0)).isInstanceOfSatisfying(AdaptiveServerOptimizer.class,
        o -> assertThat(o.variant()).isEqualTo(AdaptiveServerOptimizer.Variant.YOGI));
  }

  @Test
  void newtonLeavesTheInterceptLastUnpenalised() {
    // summed payload for d = 2 (one feature, intercept last): score 0, information I = 2·identity, n = 10
    double[] payload = Payloads.newton(new double[] {0, 0}, new double[][] {{2, 0}, {0, 2}}, 10);
    ModelVector beta = ModelVector.of(1, 1);
    ModelVector next = Strategies.of(Strategy.NEWTON, 2, 0, 0.1, 2).apply(beta, payload, new RoundCounts(3, 3),
        StrategyState.NONE).model();
    // β' = β + (I + λP)⁻¹(s − λPβ): the feature shrinks by (−2·1)/(2 + 2) = −0.5, the intercept stays
    assertThat(next.toArray()).containsExactly(0.5, 1.0);
  }
}
