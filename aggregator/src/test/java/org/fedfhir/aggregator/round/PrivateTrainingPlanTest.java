package org.fedfhir.aggregator.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.strategy.FedAvg;
import org.fedfhir.federation.MetricTail;
import org.fedfhir.federation.Strategy;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.RoundStart;
import org.fedfhir.securecompute.privacy.TrainingPrivacy;
import org.junit.jupiter.api.Test;

/** A private study's {@link TrainingPlan} on plain objects: what it announces, what it spends, where it stops. */
class PrivateTrainingPlanTest {

  static final FixedPointEncoding ENCODING = FixedPointEncoding.newBuilder()
      .setModulusBits(64).setFractionBits(24).setClip(1 << 30).build();
  static final TrainingPrivacy PRIVACY = new TrainingPrivacy(1, 1e-3, 1.0, TrainingPrivacy.Unit.RECORD);
  static final List<String> SITES = List.of("a", "b", "c");
  static final int FEATURES = 2;
  static final int D = 6;

  static StudyPlan plan() {
    return StudyPlan.training(new StudyRef("http://example.org/fhir/PlanDefinition/dp", "1"), "ab".repeat(32))
        .strategy(Strategy.FEDAVG).rounds(3).minSites(3).modelDimension(D).privacy(PRIVACY, 0.5).build();
  }

  static RoundPlan.Round start(TrainingPlan plan, int completed) {
    return ((RoundPlan.Start) plan.next(completed, SITES)).round();
  }

  /** A STANDARDISE sum: per feature [n, Σx, Σx²] of 10 values of mean 0 and SD 1. */
  static double[] moments() {
    double[] m = new double[3 * FEATURES];
    for (int j = 0; j < FEATURES; j++) {
      m[3 * j] = 10;
      m[3 * j + 2] = 10;
    }
    return m;
  }

  /** A TRAIN sum of the weighted-model payload with record count {@code count}, and an empty metric tail. */
  static double[] train(double count) {
    double[] p = new double[D + 1 + MetricTail.LENGTH];
    p[D] = count;
    return p;
  }

  @Test
  void trainRoundsAnnounceTheNoiseOfTheRoundsThresholdAndRecordEpsilon() throws Exception {
    TrainingPlan plan = new TrainingPlan(plan(), new FedAvg(), ENCODING);
    RoundPlan.Round standardise = start(plan, 0);
    assertThat(standardise.announced().hasPrivacy()).isFalse();
    plan.fold(standardise, moments(), SITES);

    RoundPlan.Round round = start(plan, 1);
    RoundStart announced = round.announced();
    assertThat(round.phase()).isEqualTo(Phase.TRAIN);
    assertThat(announced.getPrivacy().getShareVariance())
        .isEqualTo(PRIVACY.shareVariance(plan().thresholdFor(3), 3, D, 0.5));
    assertThat(announced.getPrivacy().getClip()).isEqualTo(1.0);
    assertThat(announced.getPrivacy().getLatticeStep()).isEqualTo(PRIVACY.step(0.5));
    assertThat(announced.getPrivacy().getEpsilonSpent()).isZero();

    RoundPlan.Folded folded = plan.fold(round, train(30), SITES);
    double epsilon = folded.metrics().get("dp-epsilon");
    assertThat(epsilon).isGreaterThan(0).isLessThan(1);
    assertThat(folded.end().getNetworkMetricsList()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("dp-epsilon");
      assertThat(m.getValue()).isEqualTo(epsilon);
    });
    assertThat(start(plan, 2).announced().getPrivacy().getEpsilonSpent()).isEqualTo(epsilon);
  }

  @Test
  void unusableSumsStillSpendTheBudgetAndTheStudyStopsTrainingAtItsEpsilon() throws Exception {
    TrainingPlan plan = new TrainingPlan(plan(), new FedAvg(), ENCODING);
    plan.fold(start(plan, 0), moments(), SITES);
    // the noisy record count came out below 1 three times: each sum was revealed, none usable
    for (int attempt = 0; attempt < 3; attempt++) {
      RoundPlan.Round round = start(plan, 1);
      assertThat(round.phase()).isEqualTo(Phase.TRAIN);
      assertThatThrownBy(() -> plan.fold(round, train(0.5), SITES)).isInstanceOf(RoundPlan.Unusable.class);
      plan.aborted(round, "unusable");
    }
    assertThat(plan.privacySpent().getAsDouble()).isCloseTo(1.0, within(1e-6));

    RoundPlan.Round evaluate = start(plan, 1);
    assertThat(evaluate.phase()).isEqualTo(Phase.EVALUATE);
    assertThat(evaluate.announced().hasPrivacy()).isFalse();
    RoundPlan.Folded folded = plan.fold(evaluate, new double[MetricTail.LENGTH], SITES);
    assertThat(folded.metrics().get("dp-epsilon")).isCloseTo(1.0, within(1e-6));
    assertThat(plan.next(2, SITES)).isInstanceOfSatisfying(RoundPlan.End.class,
        end -> assertThat(end.studyCompleted()).isTrue());
  }

  @Test
  void fedAdagradTakesItsStepAlongTheNoisyGradientTheSitesSent() throws Exception {
    StudyPlan adagrad = plan().toBuilder().strategy(Strategy.FEDADAGRAD).build();
    TrainingPlan plan = new TrainingPlan(adagrad, org.fedfhir.aggregator.strategy.AdaptiveServerOptimizer.withDefaults(
        org.fedfhir.aggregator.strategy.AdaptiveServerOptimizer.Variant.ADAGRAD, 0.1), ENCODING);
    plan.fold(start(plan, 0), moments(), SITES);
    RoundPlan.Round round = start(plan, 1);
    assertThat(round.announced().hasPrivacy()).isTrue();
    // at the zero model the sites sent [c·0 − step·(Σv + z), c]: the average is −(noisy gradient step)/c
    double[] sum = train(30);
    double[] step = {0.6, -0.3, 0.2, 0.9, -1.2, 0.3};
    for (int i = 0; i < D; i++) {
      sum[i] = -step[i];
    }
    double[] next = plan.fold(round, sum, SITES).model().toArray();
    for (int i = 0; i < D; i++) {
      assertThat(Math.signum(next[i])).as("coordinate %d", i).isEqualTo(-Math.signum(step[i]));
    }
    assertThat(plan.privacySpent().getAsDouble()).isGreaterThan(0);
  }

  @Test
  void aResumedPlanHasSpentWhatItsCompletedTrainRoundsSpent() {
    TrainingPlan resumed = new TrainingPlan(plan(), new FedAvg(), ENCODING, java.util.Optional.empty(),
        java.util.Optional.empty(), 3);
    assertThat(resumed.privacySpent().getAsDouble()).isCloseTo(1.0, within(1e-6));
    assertThat(resumed.next(4, SITES)).isInstanceOfSatisfying(RoundPlan.Start.class,
        s -> assertThat(s.round().phase()).isEqualTo(Phase.EVALUATE));
  }
}
