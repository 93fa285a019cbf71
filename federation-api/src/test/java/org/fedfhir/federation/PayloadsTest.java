package org.fedfhir.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PayloadsTest {

  @Test
  void payloadsAreLaidOutAsTheAggregatorsStrategiesReadThem() {
    double[][] info = {{4, 1, 2}, {1, 5, 3}, {2, 3, 6}};
    assertThat(Payloads.newton(new double[] {1, 2, 3}, info, 9))
        .containsExactly(1, 2, 3, 4, 1, 2, 5, 3, 6, 9)
        .hasSize(Strategy.NEWTON.updateLength(3));
    assertThat(Payloads.weightedModel(new double[] {0.5, -1, 2}, 4))
        .containsExactly(2, -4, 8, 4)
        .hasSize(Strategy.FEDAVG.updateLength(3));
  }

  @Test
  void aWeightedModelNeedsASample() {
    assertThatThrownBy(() -> Payloads.weightedModel(new double[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample count 0");
  }

  @Test
  void momentsCountOnlyObservedValuesPerFeature() {
    double[] m = Payloads.moments(List.of(new double[] {1, 10}, new double[] {Double.NaN, 20},
        new double[] {3, 30}), 2);
    assertThat(m).containsExactly(2, 4, 10, 3, 60, 1400);
  }
}
