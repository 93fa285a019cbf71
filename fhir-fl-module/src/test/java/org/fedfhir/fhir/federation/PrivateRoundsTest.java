package org.fedfhir.fhir.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.federation.SiteSession.AnnouncedPrivacy;
import org.fedfhir.federation.SiteSession.RoundTerms;
import org.fedfhir.federation.Standardisation;
import org.fedfhir.federation.Strategy;
import org.fedfhir.fhir.training.LinearAlgorithm;
import org.fedfhir.fhir.training.TrainTestSplit;
import org.fedfhir.fhir.training.TrainingData;
import org.fedfhir.securecompute.privacy.TrainingPrivacy;
import org.junit.jupiter.api.Test;

/**
 * A site's TRAIN rounds of a differentially private study ({@link SiteRoundWork} with
 * {@link PrivateRounds}) against an aggregator that asks for less privacy than the study declares.
 */
class PrivateRoundsTest {

  static final int ROUNDS = 4;
  static final TrainingPrivacy PRIVACY = new TrainingPrivacy(1, 1e-3, 1.0, TrainingPrivacy.Unit.RECORD);
  static final double LEARNING_RATE = 0.5;
  static final Standardisation GLOBAL = new Standardisation(new double[] {0, 0}, new double[] {1, 1});
  static final double[] MODEL = new double[6];

  static SiteRows rows() {
    List<double[]> x = new ArrayList<>();
    int[] y = new int[40];
    for (int i = 0; i < 40; i++) {
      x.add(new double[] {(i % 7) - 3, (i % 5) - 2});
      y[i] = (i % 7) > 3 ? 1 : 0;
    }
    int[] train = new int[30];
    int[] test = new int[10];
    for (int i = 0; i < 40; i++) {
      if (i < 30) {
        train[i] = i;
      } else {
        test[i - 30] = i;
      }
    }
    return new SiteRows(new TrainingData(List.of("a", "b"), x.toArray(new double[0][]), y),
        TrainTestSplit.given(train, test));
  }

  static SiteRoundWork work() {
    return new SiteRoundWork(rows(), new FederatedSettings(Strategy.FEDAVG, LinearAlgorithm.LOGISTIC_REGRESSION, 1,
        LEARNING_RATE, 0, 7, PRIVACY, ROUNDS));
  }

  /** What an honest aggregator announces for a round of threshold t. */
  static RoundTerms honest(int threshold) {
    return new RoundTerms(threshold, 24, new AnnouncedPrivacy(PRIVACY.clip(),
        PRIVACY.shareVariance(threshold, ROUNDS, 6, LEARNING_RATE), PRIVACY.step(LEARNING_RATE), 0));
  }

  @Test
  void anHonestRoundGivesTheWeightedModelOfOneNoisyClippedStepAndCountsOnTheSitesLedger() {
    SiteRoundWork work = work();
    double[] payload = work.train(2, MODEL, GLOBAL, honest(3));
    assertThat(payload).hasSize(7);
    assertThat(payload[6]).isCloseTo(30, within(30.0)); // the noisy record count
    assertThat(work.privacySpent()).isGreaterThan(0).isLessThan(1);
  }

  @Test
  void aRoundAnnouncingLessNoiseThanTheStudyDeclaresIsRefused() {
    RoundTerms honest = honest(3);
    RoundTerms lessNoise = new RoundTerms(3, 24, new AnnouncedPrivacy(PRIVACY.clip(),
        honest.privacy().shareVariance() / 4, honest.privacy().latticeStep(), 0));
    SiteRoundWork work = work();
    assertThatThrownBy(() -> work.train(2, MODEL, GLOBAL, lessNoise))
        .isInstanceOf(SiteSession.RoundRefusedException.class)
        .hasMessageContaining("this site refused round 2: it announces noise σ² = " + honest.privacy().shareVariance() / 4)
        .hasMessageContaining("needs σ² ≥ " + honest.privacy().shareVariance() + " at threshold 3");
    assertThat(work.privacySpent()).isZero();
  }

  @Test
  void aRoundAnnouncingALargerClipOrNoPrivacyAtAllIsRefused() {
    RoundTerms honest = honest(3);
    RoundTerms largerClip = new RoundTerms(3, 24, new AnnouncedPrivacy(10, honest.privacy().shareVariance(),
        honest.privacy().latticeStep(), 0));
    assertThatThrownBy(() -> work().train(2, MODEL, GLOBAL, largerClip))
        .isInstanceOf(SiteSession.RoundRefusedException.class).hasMessageContaining("clip ≤ 1.0");
    assertThatThrownBy(() -> work().train(2, MODEL, GLOBAL, new RoundTerms(3, 24, null)))
        .isInstanceOf(SiteSession.RoundRefusedException.class)
        .hasMessageContaining("announced no differential privacy for a TRAIN round of a study that declares dp-epsilon");
    assertThatThrownBy(() -> work().train(2, MODEL, GLOBAL, new RoundTerms(3, 16, honest.privacy())))
        .isInstanceOf(SiteSession.RoundRefusedException.class).hasMessageContaining("16 fractional bits");
  }

  @Test
  void theSiteCalibratesToTheRoundsThresholdNotToWhatTheAggregatorSays() {
    // A higher threshold means more shares in any sum, so less noise per share: announcing t = 2's
    // noise in a round of t = 2 is accepted, and a round of t = 2 announcing t = 5's is refused.
    work().train(2, MODEL, GLOBAL, honest(2));
    assertThatThrownBy(() -> work().train(2, MODEL, GLOBAL, new RoundTerms(2, 24, honest(5).privacy())))
        .isInstanceOf(SiteSession.RoundRefusedException.class).hasMessageContaining("at threshold 2");
  }

  @Test
  void aRoundBeyondTheStudysEpsilonIsRefusedByTheSitesOwnLedger() {
    SiteRoundWork work = work();
    for (int round = 2; round < 2 + ROUNDS; round++) {
      double[] model = {0, 0, 0, 0, 0, round}; // a new model each round
      work.train(round, model, GLOBAL, honest(3));
    }
    assertThat(work.privacySpent()).isCloseTo(1.0, within(1e-6));
    assertThat(work.privacyBudgetSpent()).isTrue();
    assertThatThrownBy(() -> work.train(6, new double[] {0, 0, 0, 0, 0, 9}, GLOBAL, honest(3)))
        .isInstanceOf(SiteSession.RoundRefusedException.class)
        .hasMessageContaining("spent ε = 1.000 of the study's 1.0 (δ = 0.001); another round would exceed it");
  }

  @Test
  void aRoundRunAgainAtTheSameModelGetsTheSamePayloadAndCostsNothing() {
    SiteRoundWork work = work();
    double[] first = work.train(2, MODEL, GLOBAL, honest(3));
    double spent = work.privacySpent();
    assertThat(work.train(2, MODEL, GLOBAL, honest(3))).containsExactly(first);
    assertThat(work.privacySpent()).isEqualTo(spent);
  }

  @Test
  void theGradientIsTheDerivativeOfTheLossByFiniteDifferences() {
    for (LinearAlgorithm algorithm : LinearAlgorithm.values()) {
      PrivateRounds rounds = new PrivateRounds(PRIVACY, ROUNDS, LEARNING_RATE, algorithm, new java.security.SecureRandom());
      double[] model = {0.1, -0.2, 0.3, 0.05, 0.4, -0.1};
      double[] z = {0.7, -1.2};
      for (int y = 0; y <= 1; y++) {
        double[] g = rounds.gradient(model, z, y);
        for (int k = 0; k < model.length; k++) {
          double h = 1e-6;
          double[] plus = model.clone();
          double[] minus = model.clone();
          plus[k] += h;
          minus[k] -= h;
          double numeric = (loss(algorithm, plus, z, y) - loss(algorithm, minus, z, y)) / (2 * h);
          assertThat(g[k]).as("%s y=%d coordinate %d", algorithm, y, k).isCloseTo(numeric, within(1e-6));
        }
      }
    }
  }

  static double loss(LinearAlgorithm algorithm, double[] m, double[] z, int y) {
    double s0 = m[0] + m[1] * z[0] + m[2] * z[1];
    double s1 = m[3] + m[4] * z[0] + m[5] * z[1];
    if (algorithm == LinearAlgorithm.LOGISTIC_REGRESSION) {
      double sy = y == 1 ? s1 : s0;
      return Math.log(Math.exp(s0) + Math.exp(s1)) - sy;
    }
    return Math.max(0, 1 - (y == 1 ? s1 - s0 : s0 - s1));
  }
}
