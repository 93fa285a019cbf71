package org.fedfhir.aggregator.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.fedfhir.aggregator.strategy.AdaptiveServerOptimizer.Variant;
import org.fedfhir.federation.Strategy;
import org.junit.jupiter.api.Test;

class AdaptiveServerOptimizerTest {

  private static final double ETA = 0.1;
  private static final double B1 = 0.9;
  private static final double B2 = 0.99;
  private static final double TAU = 1e-3;

  /** Average of two equally weighted sites: x̄ = (1, −2); global x = (0, 0); Δ = x̄ − x. */
  private static final double[] SUM = new double[] {2, -4, 2};

  private static double[] expectedFirstStep(Variant variant) {
    double[] delta = {1, -2};
    double[] x = new double[2];
    for (int i = 0; i < 2; i++) {
      double m = (1 - B1) * delta[i];
      double v0 = TAU * TAU;
      double d2 = delta[i] * delta[i];
      double v = switch (variant) {
        case ADAGRAD -> v0 + d2;
        case ADAM -> B2 * v0 + (1 - B2) * d2;
        case YOGI -> v0 - (1 - B2) * d2 * Math.signum(v0 - d2);
      };
      x[i] = ETA * m / (Math.sqrt(v) + TAU);
    }
    return x;
  }

  @Test
  void firstStepOfEachVariantFollowsReddiAlgorithm2() {
    for (Variant variant : Variant.values()) {
      var opt = new AdaptiveServerOptimizer(variant, ETA, B1, B2, TAU);
      StrategyStep step = opt.apply(ModelVector.zeros(2), SUM, new RoundCounts(2, 2),
          opt.initialState(2));
      assertThat(step.model().toArray()).as(variant.name())
          .containsExactly(expectedFirstStep(variant), within(1e-12));
      assertThat(((AdaptiveState) step.state()).rounds()).isEqualTo(1);
    }
  }

  @Test
  void stateIsCarriedBetweenRoundsAndNeverMutated() {
    var opt = new AdaptiveServerOptimizer(Variant.ADAM, ETA, B1, B2, TAU);
    AdaptiveState initial = opt.initialState(2);
    AdaptiveState copyOfInitial = opt.initialState(2);
    StrategyStep first = opt.apply(ModelVector.zeros(2), SUM, new RoundCounts(2, 2), initial);
    StrategyStep second = opt.apply(first.model(), SUM, new RoundCounts(2, 2), first.state());

    assertThat(initial).isEqualTo(copyOfInitial);
    AdaptiveState s1 = (AdaptiveState) first.state();
    AdaptiveState s2 = (AdaptiveState) second.state();
    double delta2 = 1 - first.model().get(0); // x̄₀ = 1
    assertThat(s2.firstMoment()[0]).isCloseTo(B1 * s1.firstMoment()[0] + (1 - B1) * delta2,
        within(1e-12));
    assertThat(s2.rounds()).isEqualTo(2);
  }

  @Test
  void serverOptimiserMovesTowardsTheAverageAndConverges() {
    var opt = Strategies.of(Strategy.FEDADAGRAD, 2, 0, 0.5, 0);
    ModelVector x = ModelVector.zeros(2);
    StrategyState state = opt.initialState(2);
    for (int round = 0; round < 300; round++) {
      StrategyStep step = opt.apply(x, SUM, new RoundCounts(3, 2), state);
      x = step.model();
      state = step.state();
    }
    assertThat(x.toArray()).containsExactly(new double[] {1, -2}, within(1e-2));
  }
}
