package org.fedfhir.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StrategyTest {

  @Test
  void everyCodeReadsBackAsItsStrategy() {
    for (Strategy s : Strategy.values()) {
      assertThat(Strategy.fromCode(s.code())).isSameAs(s);
    }
    assertThat(Strategy.codes()).containsExactly("fedavg", "fedprox", "fedadam", "fedadagrad", "fedyogi", "newton");
  }

  @Test
  void anUnknownCodeIsRefusedNamingTheAllowedOnes() {
    assertThatThrownBy(() -> Strategy.fromCode("statistics"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("strategy 'statistics'; need one of fedavg, fedprox, fedadam, fedadagrad, fedyogi, newton");
    assertThatThrownBy(() -> Strategy.fromCode("fedsgd"))
        .hasMessageContaining("fedavg, fedprox, fedadam, fedadagrad, fedyogi, newton");
    assertThat(Strategy.isCode("FedAvg")).isFalse();
  }

  @Test
  void newtonKeepsLogisticCoefficientsEveryOtherStrategyTribuosTwoRows() {
    assertThat(Strategy.NEWTON.modelDimension(4)).isEqualTo(5);
    assertThat(Strategy.NEWTON.features(5)).isEqualTo(4);
    assertThat(Strategy.NEWTON.layout().interceptIndex(4)).isEqualTo(4);
    for (Strategy s : new Strategy[] {Strategy.FEDAVG, Strategy.FEDPROX, Strategy.FEDADAM, Strategy.FEDADAGRAD,
        Strategy.FEDYOGI}) {
      assertThat(s.modelDimension(4)).isEqualTo(10);
      assertThat(s.features(10)).isEqualTo(4);
    }
  }

  @Test
  void onlyNewtonAndFedProxNeedLogisticRegression() {
    assertThat(Strategy.values()).filteredOn(Strategy::needsLogisticRegression)
        .containsExactly(Strategy.FEDPROX, Strategy.NEWTON);
  }

  @Test
  void aTrainPayloadIsTheUpdateThenTheMetricTail() {
    assertThat(Strategy.FEDAVG.updateLength(4)).isEqualTo(5);
    assertThat(Strategy.FEDAVG.payloadLength(4)).isEqualTo(10);
    assertThat(Strategy.NEWTON.updateLength(3)).isEqualTo(3 + 6 + 1);
    assertThat(Strategy.NEWTON.payloadLength(3)).isEqualTo(15);

    double[] payload = {2, 4, 2, 3, 1, 4, 2.6};
    assertThat(Strategy.FEDAVG.update(payload)).containsExactly(2, 4);
    assertThat(Strategy.FEDAVG.metricTail(payload)).isEqualTo(new MetricTail(2, 3, 1, 4, 2.6));
  }

  @Test
  void theSummedMetricTailGivesNetworkAccuracyLogLossAndTestCount() {
    MetricTail tail = MetricTail.last(new double[] {9, 2.0000001, 3, 2.9999999, 2, 20});
    assertThat(tail.networkMetrics()).containsExactly(
        java.util.Map.entry("accuracy", 0.5), java.util.Map.entry("log-loss", 2.0),
        java.util.Map.entry("test-count", 10.0));
    assertThat(MetricTail.last(new double[5]).networkMetrics()).isEmpty();
  }
}
