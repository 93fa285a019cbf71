package org.fedfhir.aggregator.store;

import org.fedfhir.study.StudyKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fedfhir.federation.Strategy;
import org.junit.jupiter.api.Test;

class StudyPlanTest {

  private static final StudyRef STUDY = new StudyRef("http://example.org/fhir/PlanDefinition/s", "1");
  private static final String DIGEST = "AB".repeat(32);

  private static StudyPlan.Builder training() {
    return StudyPlan.training(STUDY, DIGEST).strategy(Strategy.NEWTON).modelDimension(5);
  }

  @Test
  void unsetTrainingParametersAreTheStudyFormatDefaults() {
    StudyPlan p = training().build();
    assertThat(p.kind()).isEqualTo(StudyKind.TRAINING);
    assertThat(p.definitionDigest()).isEqualTo("ab".repeat(32));
    assertThat(p.rounds()).isEqualTo(20);
    assertThat(p.minSites()).isEqualTo(3);
    assertThat(p.threshold()).isZero();
    assertThat(p.serverLearningRate()).isEqualTo(0.1);
    assertThat(p.proximalMu()).isEqualTo(0.01);
    assertThat(p.l2()).isZero();
    assertThat(p.modelDimension()).isEqualTo(5);
    assertThat(p.toBuilder().build()).isEqualTo(p);
    assertThat(p.toBuilder().rounds(3).build()).isNotEqualTo(p);
  }

  @Test
  void badValuesAreRefusedNamingThemAndTheAllowedRange() {
    assertThatThrownBy(() -> StudyPlan.training(STUDY, "abc").strategy(Strategy.FEDAVG).modelDimension(4).build())
        .hasMessage("definition digest 'abc'; need 64 hex digits (SHA-256)");
    assertThatThrownBy(() -> training().rounds(0).build()).hasMessage("rounds 0; need ≥ 1");
    assertThatThrownBy(() -> training().minSites(1).build()).hasMessage("min-sites 1; need ≥ 2");
    assertThatThrownBy(() -> training().minSites(3).threshold(4).build())
        .hasMessage("threshold 4 with min-sites 3; need 2 ≤ t ≤ min-sites, or 0 for ⌈2n/3⌉");
    assertThatThrownBy(() -> training().modelDimension(0).build()).hasMessage("model dimension 0; need ≥ 1");
    assertThatThrownBy(() -> StudyPlan.training(STUDY, DIGEST).modelDimension(4).build())
        .hasMessageContaining("a training study needs a strategy");
    assertThatThrownBy(() -> StudyPlan.statistics(STUDY, DIGEST).build()).hasMessage("statistics length 0; need ≥ 1");
  }

  @Test
  void aStatisticsStudyHasNeitherStrategyNorModel() {
    StudyPlan p = StudyPlan.statistics(STUDY, DIGEST).minSites(4).statisticsLength(12).build();
    assertThat(p.isStatistics()).isTrue();
    assertThat(p.rounds()).isEqualTo(1);
    assertThat(p.joinDimension()).isEqualTo(12);
    assertThatThrownBy(p::strategy).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(p::modelDimension).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> StudyPlan.statistics(STUDY, DIGEST).strategy(Strategy.FEDAVG))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> training().build().statisticsLength()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theDefaultThresholdIsTwoThirdsOfTheRoundsSitesAndAtLeastTwo() {
    StudyPlan p = training().build();
    assertThat(p.thresholdFor(3)).isEqualTo(2);
    assertThat(p.thresholdFor(4)).isEqualTo(3);
    assertThat(p.thresholdFor(6)).isEqualTo(4);
    assertThat(training().minSites(4).threshold(3).build().thresholdFor(6)).isEqualTo(3);
  }
}
