package org.fedfhir.fhir.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.fedfhir.federation.Standardisation;
import org.junit.jupiter.api.Test;

class LocalTrainerTest {

  /** Two informative features and one noise feature; y = 1 when 2·x0 − x1 + noise > 0. */
  static TrainingData synthetic(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[n][3];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = r.nextDouble() * 10;
      x[i][1] = r.nextDouble() * 10;
      x[i][2] = i % 7 == 0 ? Double.NaN : r.nextDouble();
      y[i] = 2 * x[i][0] - x[i][1] - 5 + r.nextDouble() * 2 - 1 > 0 ? 1 : 0;
    }
    return new TrainingData(List.of("a", "b", "noise"), x, y);
  }

  static TrainingConfig config(LinearAlgorithm algorithm, int epochs) {
    return new TrainingConfig(algorithm, epochs, 0.1, 7L, 0.25);
  }

  @Test
  void splitIsStratifiedAndSeeded() {
    int[] labels = new int[100];
    Arrays.fill(labels, 0, 20, 1);
    TrainTestSplit s = TrainTestSplit.stratified(labels, 0.25, 43);
    assertThat(s.test()).hasSize(25);
    assertThat(Arrays.stream(s.test()).filter(i -> labels[i] == 1).count()).isEqualTo(5);
    assertThat(TrainTestSplit.stratified(labels, 0.25, 43)).isEqualTo(s);
    assertThat(TrainTestSplit.stratified(labels, 0.25, 44)).isNotEqualTo(s);
  }

  @Test
  void logisticRegressionLearnsASeparableProblem() {
    TrainingResult r = new LocalTrainer().train(synthetic(400, 1), config(LinearAlgorithm.LOGISTIC_REGRESSION, 10),
        null);
    assertThat(r.metrics().accuracy()).isGreaterThan(0.9);
    assertThat(r.metrics().auc()).isGreaterThan(0.95);
    assertThat(r.metrics().brier()).isLessThan(0.1);
    assertThat(r.metrics().testCount() + r.metrics().trainCount()).isEqualTo(400);
    // weight layout: per label, bias then features in study order; positive row favours a over b
    assertThat(r.weights().weight(1, 0) - r.weights().weight(0, 0)).isPositive();
    assertThat(r.weights().weight(1, 1) - r.weights().weight(0, 1)).isNegative();
  }

  @Test
  void linearSvmLearnsAndHasNoBrierScore() {
    TrainingResult r = new LocalTrainer().train(synthetic(400, 2), config(LinearAlgorithm.LINEAR_SVM, 10), null);
    assertThat(r.metrics().accuracy()).isGreaterThan(0.9);
    assertThat(r.metrics().auc()).isGreaterThan(0.95);
    assertThat(r.metrics().brier()).isNaN();
  }

  @Test
  void zeroEpochsFromGivenWeightsGivesExactlyThoseWeights() {
    double[] v = {0.5, 1, 2, 3, -0.5, -1, -2, -3};
    LinearWeights given = new LinearWeights(2, 3, v);
    TrainingResult r = new LocalTrainer().train(synthetic(200, 3), config(LinearAlgorithm.LOGISTIC_REGRESSION, 0),
        given);
    assertThat(r.weights().vector()).containsExactly(v);
  }

  @Test
  void warmStartBeginsFromTheGivenWeights() {
    TrainingData data = synthetic(300, 4);
    LocalTrainer trainer = new LocalTrainer();
    TrainingResult round1 = trainer.train(data, config(LinearAlgorithm.LOGISTIC_REGRESSION, 5), null);
    TrainingResult fromRound1 = trainer.train(data, config(LinearAlgorithm.LOGISTIC_REGRESSION, 1), round1.weights());
    TrainingResult fromZero = trainer.train(data, config(LinearAlgorithm.LOGISTIC_REGRESSION, 1), null);
    double moved = distance(fromRound1.weights().vector(), round1.weights().vector());
    double fresh = distance(fromZero.weights().vector(), round1.weights().vector());
    assertThat(moved).isLessThan(fresh);
  }

  @Test
  void weightsOfTheWrongShapeAreRefused() {
    assertThatThrownBy(() -> new LocalTrainer().train(synthetic(100, 5), config(LinearAlgorithm.LOGISTIC_REGRESSION,
        1), new LinearWeights(2, 2, new double[6]))).hasMessageContaining("2 labels × 2 features");
  }

  @Test
  void aSingleClassCannotBeTrained() {
    TrainingData one = new TrainingData(List.of("a"), new double[][] {{1}, {2}, {3}, {4}}, new int[] {0, 0, 0, 0});
    assertThatThrownBy(() -> new LocalTrainer().train(one, config(LinearAlgorithm.LOGISTIC_REGRESSION, 1), null))
        .hasMessageContaining("both classes");
  }

  @Test
  void imputationAndStandardisationUseTrainingRowsOnly() {
    double[][] x = {{1}, {3}, {Double.NaN}, {100}};
    Standardisation s = Standardisation.fit(x, new int[] {0, 1, 2}, 1);
    assertThat(s.means()).containsExactly(2.0);
    assertThat(s.apply(new double[] {Double.NaN})).containsExactly(0.0);
    assertThat(s.apply(new double[] {3})[0]).isCloseTo(0.7071, org.assertj.core.api.Assertions.within(1e-4));
  }

  static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }
}
