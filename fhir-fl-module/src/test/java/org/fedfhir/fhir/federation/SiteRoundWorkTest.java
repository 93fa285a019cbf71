package org.fedfhir.fhir.federation;

import org.fedfhir.federation.Standardisation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.federation.Strategy;
import org.fedfhir.fhir.training.LinearAlgorithm;
import org.fedfhir.fhir.training.Metrics;
import org.fedfhir.fhir.training.TrainTestSplit;
import org.fedfhir.fhir.training.TrainingData;
import org.junit.jupiter.api.Test;

/** {@link SiteRoundWork} on plain rows: each phase's contribution exactly as docs/federation.md lays it out. */
class SiteRoundWorkTest {
  private static final double NA = Double.NaN;

  /** Two features; rows 0–4 train, 5–7 test. */
  private static SiteRows rows() {
    double[][] x = {
        {1, 10}, {2, NA}, {3, 30}, {NA, 40}, {5, 50},
        {2, 20}, {4, 35}, {0, 5}};
    int[] y = {0, 0, 1, 1, 1, 0, 1, 1};
    return new SiteRows(new TrainingData(List.of("a", "b"), x, y),
        TrainTestSplit.given(new int[] {0, 1, 2, 3, 4}, new int[] {5, 6, 7}));
  }

  private static FederatedSettings settings(Strategy strategy) {
    return new FederatedSettings(strategy, LinearAlgorithm.LOGISTIC_REGRESSION, 3, 0.1, 0.5, 7);
  }

  private static final Standardisation GLOBAL =
      new Standardisation(new double[] {3, 30}, new double[] {2, 10});

  @Test
  void momentsAreCountsSumsAndSquaresOfObservedTrainingValuesPerFeature() {
    double[] m = new SiteRoundWork(rows(), settings(Strategy.FEDAVG)).moments();
    assertThat(m).containsExactly(
        4, 1 + 2 + 3 + 5, 1 + 4 + 9 + 25,
        4, 10 + 30 + 40 + 50, 100 + 900 + 1600 + 2500);
  }

  @Test
  void modelDimensionIsFPlusOneForNewtonAndTwoRowsOtherwise() {
    assertThat(new SiteRoundWork(rows(), settings(Strategy.NEWTON)).modelDimension()).isEqualTo(3);
    assertThat(new SiteRoundWork(rows(), settings(Strategy.FEDYOGI)).modelDimension()).isEqualTo(6);
  }

  @Test
  void newtonPayloadIsTheScoreAndInformationOfTheLogLikelihoodAtTheGlobalBeta() {
    double[] beta = {0.3, -0.2, 0.1};
    double[] payload = new SiteRoundWork(rows(), settings(Strategy.NEWTON)).train(2, beta, GLOBAL);
    assertThat(payload).hasSize(3 + 6 + 1);
    assertThat(payload[payload.length - 1]).isEqualTo(5);

    // score = ∂ℓ/∂β and information = −∂²ℓ/∂β² by central differences of the log-likelihood on
    // the standardised training rows (missing → global mean → z = 0, intercept last)
    double[][] z = {{-1, -2}, {-0.5, 0}, {0, 0}, {0, 1}, {1, 2}};
    int[] y = {0, 0, 1, 1, 1};
    double h = 1e-5;
    for (int a = 0; a < 3; a++) {
      assertThat(payload[a]).isCloseTo(
          (logLikelihood(shift(beta, a, h), z, y) - logLikelihood(shift(beta, a, -h), z, y)) / (2 * h), within(1e-7));
    }
    int k = 3;
    for (int a = 0; a < 3; a++) {
      for (int b = a; b < 3; b++) {
        double second = (logLikelihood(shift(shift(beta, a, h), b, h), z, y)
            - logLikelihood(shift(shift(beta, a, h), b, -h), z, y)
            - logLikelihood(shift(shift(beta, a, -h), b, h), z, y)
            + logLikelihood(shift(shift(beta, a, -h), b, -h), z, y)) / (4 * h * h);
        assertThat(payload[k++]).as("I[%d][%d]", a, b).isCloseTo(-second, within(1e-4));
      }
    }
  }

  @Test
  void metricTailCountsTheConfusionAndSumsTheLogLossOnTheTestSplit() {
    // logistic model on z: p = σ(4·z_a); test rows z_a = -0.5, 0.5, -1.5 with labels 0, 1, 1
    double[] model = {4, 0, 0};
    double[] tail = new SiteRoundWork(rows(), settings(Strategy.NEWTON)).evaluate(model, GLOBAL);
    double p0 = 1 / (1 + Math.exp(2));
    double p1 = 1 / (1 + Math.exp(-2));
    double p2 = 1 / (1 + Math.exp(6));
    assertThat(tail).containsExactly(new double[] {1, 0, 1, 1,
        -Math.log(1 - p0) - Math.log(p1) - Math.log(p2)}, within(1e-12));

    // the same scores in the two-row layout: row 1 − row 0 = the logistic model
    double[] twoRow = {0, -2, 0, 0, 2, 0};
    assertThat(new SiteRoundWork(rows(), settings(Strategy.FEDAVG)).evaluate(twoRow, GLOBAL))
        .containsExactly(tail, within(1e-12));
    Metrics m = new SiteRoundWork(rows(), settings(Strategy.FEDAVG)).localMetrics(twoRow, GLOBAL);
    assertThat(m.accuracy()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.auc()).isEqualTo(0.5); // positives score 0.88 and 0.0025 against the negative's 0.12
    assertThat(m.testCount()).isEqualTo(3);
    assertThat(m.trainCount()).isEqualTo(5);
  }

  @Test
  void fedAvgSendsTheLocallyTrainedTwoRowModelWeightedByTheTrainingCount() {
    double[] payload = new SiteRoundWork(rows(), settings(Strategy.FEDAVG), null, 11).train(2, new double[6], GLOBAL);
    assertThat(payload).hasSize(7);
    assertThat(payload[6]).isEqualTo(5);
    double[] w = new double[6];
    for (int i = 0; i < 6; i++) {
      w[i] = payload[i] / 5;
    }
    // trained towards the positives' direction: row 1 − row 0 grows with feature a
    assertThat(w[4] - w[1]).isPositive();
    // same inputs, same round, same session secret: the same update
    assertThat(new SiteRoundWork(rows(), settings(Strategy.FEDAVG), null, 11).train(2, new double[6], GLOBAL))
        .containsExactly(payload);
  }

  @Test
  void sessionsOfTheSameStudyShuffleWithTheirOwnSecretSoTheirUpdatesDiffer() {
    // an aggregator that reruns a study with other subsets of sites gets other updates each session,
    // not the same vector it could difference out (three epochs over five rows: five sessions all
    // alike would take the same three shuffles five times)
    java.util.Set<List<Double>> updates = new java.util.HashSet<>();
    for (int session = 0; session < 5; session++) {
      double[] payload = new SiteRoundWork(rows(), settings(Strategy.FEDAVG)).train(2, new double[6], GLOBAL);
      updates.add(java.util.Arrays.stream(payload).boxed().toList());
    }
    assertThat(updates).hasSizeGreaterThan(1);
  }

  @Test
  void fedProxStaysCloserToTheGlobalModelAsMuGrows() {
    double[] global = {0.2, -0.1, 0.3, -0.2, 0.1, -0.3};
    double[] free = weights(new FederatedSettings(Strategy.FEDPROX, LinearAlgorithm.LOGISTIC_REGRESSION, 20, 0.1, 0, 7), global);
    double[] held = weights(new FederatedSettings(Strategy.FEDPROX, LinearAlgorithm.LOGISTIC_REGRESSION, 20, 0.1, 5, 7), global);
    assertThat(distance(held, global)).isLessThan(distance(free, global) / 3);
  }

  @Test
  void newtonAndFedProxNeedLogisticRegression() {
    assertThatThrownBy(() -> new FederatedSettings(Strategy.NEWTON, LinearAlgorithm.LINEAR_SVM, 1, 0.1, 0, 1))
        .hasMessageContaining("logistic-regression only");
  }

  @Test
  void aGlobalModelOfTheWrongLengthIsRefused() {
    assertThatThrownBy(() -> new SiteRoundWork(rows(), settings(Strategy.NEWTON)).train(2, new double[6], GLOBAL))
        .hasMessageContaining("6 values").hasMessageContaining("has 3");
  }

  private static double[] weights(FederatedSettings s, double[] global) {
    double[] p = new SiteRoundWork(rows(), s).train(2, global, GLOBAL);
    double[] w = new double[6];
    for (int i = 0; i < 6; i++) {
      w[i] = p[i] / p[6];
    }
    return w;
  }

  private static double distance(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  private static double[] shift(double[] v, int i, double h) {
    double[] c = v.clone();
    c[i] += h;
    return c;
  }

  private static double logLikelihood(double[] beta, double[][] z, int[] y) {
    double l = 0;
    for (int i = 0; i < z.length; i++) {
      double t = beta[0] * z[i][0] + beta[1] * z[i][1] + beta[2];
      l += y[i] * t - Math.log(1 + Math.exp(t));
    }
    return l;
  }
}
