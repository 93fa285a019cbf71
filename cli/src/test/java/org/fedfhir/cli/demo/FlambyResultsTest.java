package org.fedfhir.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FlambyResultsTest {
  private final FlambyResults flamby = FlambyResults.load();

  @Test
  void meansOverSeedsAndCentresAreThePublishedFigures() {
    // DESIGN.md: pooled 73.5 %, FedAvg 68.5 %, best federated (FedAdagrad) 73.1 %
    assertThat(flamby.mean("Pooled Training")).isCloseTo(0.735, within(0.0005));
    assertThat(flamby.mean("FedAvg100")).isCloseTo(0.685, within(0.0005));
    assertThat(flamby.mean("FedAdagrad100")).isCloseTo(0.731, within(0.0005));
  }

  @Test
  void localOnlyIsEachCentresModelOnItsOwnTestSet() {
    assertThat(flamby.localOnlyPerCentre()).containsOnlyKeys("cleveland", "hungarian", "switzerland", "va");
    assertThat(flamby.localOnlyPerCentre().get("cleveland")).isCloseTo(0.746, within(0.001));
  }

  @Test
  void unknownMethodsAreNotInvented() {
    assertThat(flamby.mean("Newton")).isNaN();
    assertThat(flamby.perCentre("Newton")).isEmpty();
    assertThat(FlambyResults.methodFor("newton")).isNull();
  }
}
