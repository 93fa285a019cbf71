package org.fedfhir.aggregator.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.fedfhir.federation.Payloads;
import org.junit.jupiter.api.Test;

class FederatedNewtonTest {

  private static final int FEATURES = 4; // plus intercept, last
  private static final int D = FEATURES + 1;

  /** One site's data: rows x (with intercept 1 last) and labels y. */
  private record Site(double[][] x, double[] y) {}

  private static Site synthetic(int n, long seed, double shift) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] trueBeta = {0.8, -1.2, 0.5, 0.0, -0.3};
    double[][] x = new double[n][D];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double z = 0;
      for (int j = 0; j < FEATURES; j++) {
        x[i][j] = gaussian(rng) + shift;
        z += trueBeta[j] * x[i][j];
      }
      x[i][FEATURES] = 1;
      z += trueBeta[FEATURES];
      y[i] = rng.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
    return new Site(x, y);
  }

  private static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  /** What a site computes at β: score Σ x(y − p) and information Σ p(1−p) x xᵀ. */
  private static double[] sitePayload(Site s, double[] beta) {
    double[] score = new double[D];
    double[][] info = new double[D][D];
    for (int i = 0; i < s.y.length; i++) {
      double z = 0;
      for (int j = 0; j < D; j++) {
        z += beta[j] * s.x[i][j];
      }
      double p = 1 / (1 + Math.exp(-z));
      for (int j = 0; j < D; j++) {
        score[j] += s.x[i][j] * (s.y[i] - p);
        for (int k = 0; k < D; k++) {
          info[j][k] += p * (1 - p) * s.x[i][j] * s.x[i][k];
        }
      }
    }
    return Payloads.newton(score, info, s.y.length);
  }

  /** Pooled IRLS with its own Gaussian-elimination solve (independent of the strategy's Cholesky). */
  private static double[] pooledIrls(Site pooled, double l2) {
    double[] beta = new double[D];
    for (int iter = 0; iter < 50; iter++) {
      double[][] a = new double[D][D + 1];
      for (int i = 0; i < pooled.y.length; i++) {
        double z = 0;
        for (int j = 0; j < D; j++) {
          z += beta[j] * pooled.x[i][j];
        }
        double p = 1 / (1 + Math.exp(-z));
        double w = p * (1 - p);
        double working = z + (pooled.y[i] - p) / w; // IRLS working response
        for (int j = 0; j < D; j++) {
          for (int k = 0; k < D; k++) {
            a[j][k] += w * pooled.x[i][j] * pooled.x[i][k];
          }
          a[j][D] += w * pooled.x[i][j] * working;
        }
      }
      for (int j = 0; j < FEATURES; j++) {
        a[j][j] += l2;
      }
      beta = gaussJordan(a);
    }
    return beta;
  }

  private static double[] gaussJordan(double[][] a) {
    int n = a.length;
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
          pivot = r;
        }
      }
      double[] t = a[c];
      a[c] = a[pivot];
      a[pivot] = t;
      for (int r = 0; r < n; r++) {
        if (r != c) {
          double f = a[r][c] / a[c][c];
          for (int k = c; k <= n; k++) {
            a[r][k] -= f * a[c][k];
          }
        }
      }
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = a[i][n] / a[i][i];
    }
    return x;
  }

  private static Site pool(Site... sites) {
    int n = 0;
    for (Site s : sites) {
      n += s.y.length;
    }
    double[][] x = new double[n][];
    double[] y = new double[n];
    int k = 0;
    for (Site s : sites) {
      for (int i = 0; i < s.y.length; i++, k++) {
        x[k] = s.x[i];
        y[k] = s.y[i];
      }
    }
    return new Site(x, y);
  }

  private static double[] federatedFit(AggregationStrategy newton, Site... sites) {
    ModelVector beta = ModelVector.zeros(D);
    for (int round = 0; round < 25; round++) {
      double[] sum = new double[newton.payloadLength(D)];
      for (Site s : sites) {
        double[] p = sitePayload(s, beta.toArray());
        for (int i = 0; i < sum.length; i++) {
          sum[i] += p[i];
        }
      }
      beta = newton.apply(beta, sum, new RoundCounts(sites.length, sites.length),
          StrategyState.NONE).model();
    }
    return beta.toArray();
  }

  @Test
  void federatedNewtonOverThreeSitesEqualsPooledLogisticRegressionFit() {
    Site a = synthetic(120, 1, 0.0);
    Site b = synthetic(200, 2, 0.5);
    Site c = synthetic(80, 3, -0.4);

    double[] federated = federatedFit(new FederatedNewton(0, FEATURES), a, b, c);
    double[] pooled = pooledIrls(pool(a, b, c), 0);

    assertThat(federated).containsExactly(pooled, within(1e-6));
  }

  @Test
  void ridgePenaltyLeavesTheInterceptUnpenalisedAsInThePooledFit() {
    Site a = synthetic(60, 4, 0.0);
    Site b = synthetic(90, 5, 1.0);
    Site c = synthetic(70, 6, -1.0);

    double[] federated = federatedFit(new FederatedNewton(2.5, FEATURES), a, b, c);
    double[] pooled = pooledIrls(pool(a, b, c), 2.5);

    assertThat(federated).containsExactly(pooled, within(1e-6));
  }

  @Test
  void constantFeatureWithoutPenaltyIsReportedNotSolved() {
    double[] payload = Payloads.newton(new double[] {1, 0}, new double[][] {{2, 0}, {0, 0}}, 10);
    assertThatThrownBy(() -> new FederatedNewton(0, -1).apply(ModelVector.zeros(2), payload,
        new RoundCounts(3, 3), StrategyState.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not positive definite");
  }
}
