package org.fedfhir.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ModelLayoutTest {

  @Test
  void theTwoRowsGiveTheLogisticModelOfTheirDifference() {
    double[] model = {0.5, 1, -2, 1.5, 4, 1};
    assertThat(ModelLayout.TWO_ROW.weights(model)).containsExactly(3, 3);
    assertThat(ModelLayout.TWO_ROW.bias(model)).isEqualTo(1.0);
    double[] z = {0.2, -0.4};
    double[] logistic = {3, 3, 1};
    assertThat(ModelLayout.TWO_ROW.logOdds(model, z)).isCloseTo(ModelLayout.LOGISTIC.logOdds(logistic, z), within(1e-12));
    assertThat(ModelLayout.LOGISTIC.weights(logistic)).containsExactly(3, 3);
    assertThat(ModelLayout.LOGISTIC.bias(logistic)).isEqualTo(1.0);
  }

  @Test
  void aVectorOfNoLayoutsLengthIsRefused() {
    assertThatThrownBy(() -> ModelLayout.TWO_ROW.weights(new double[5]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model of 5 values");
  }
}
