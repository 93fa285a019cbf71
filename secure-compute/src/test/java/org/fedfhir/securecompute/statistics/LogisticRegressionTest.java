package org.fedfhir.securecompute.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/**
 * Diagnosis ~ age + sex + max heart rate on the four UCI centres: one secure-aggregation round
 * per Newton iteration, against IRLS on the pooled rows with Commons Math's LU solver.
 */
class LogisticRegressionTest {

  static final List<String> FEATURES = List.of("age", "sex", "thalach");

  static List<LogisticRegression.Row> rows(List<double[]> raw) {
    List<LogisticRegression.Row> rows = new ArrayList<>();
    for (double[] r : raw) {
      double[] x = new double[FEATURES.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = HeartDiseaseData.get(r, FEATURES.get(i));
      }
      rows.add(new LogisticRegression.Row(x, HeartDiseaseData.get(r, "num") > 0 ? 1 : 0));
    }
    return rows;
  }

  @Test
  void coefficientsAndStandardErrorsEqualPooledIrls() {
    LogisticRegression model = new LogisticRegression("dx", FEATURES, new double[] {0, 0, 40},
        new double[] {120, 1, 250});
    Map<String, List<double[]>> centres = HeartDiseaseData.centres();
    Federation federation = new Federation(4, List.of(model.at(model.start())), 1_000_000, 8);
    Map<Integer, List<LogisticRegression.Row>> sites = new TreeMap<>();
    int s = 1;
    for (List<double[]> raw : centres.values()) {
      sites.put(s++, rows(raw));
    }
    double[] beta = model.start();
    LogisticRegression.Step step = null;
    for (int iteration = 0; iteration < 25; iteration++) {
      SufficientStatistic<LogisticRegression.Row, LogisticRegression.Step> part = model.at(beta);
      Map<Integer, List<double[]>> vectors = new TreeMap<>();
      sites.forEach((site, rows) -> vectors.put(site, List.of(part.encode(rows))));
      InProcessStatisticsRound.Outcome outcome = federation.run(vectors);
      step = part.combine(outcome.sums().get(0), Release.of(DisclosurePolicy.defaults(), outcome.sites()));
      beta = step.coefficients();
      if (step.change() < 1e-10) {
        break;
      }
    }
    assertThat(step.released()).isTrue();
    assertThat(step.change()).isLessThan(1e-8);

    double[][] reference = pooledIrls(rows(HeartDiseaseData.pooled(centres)));
    for (int i = 0; i < beta.length; i++) {
      assertThat(beta[i]).as("coefficient %d", i).isCloseTo(reference[0][i], within(1e-6));
      assertThat(step.standardErrors()[i]).as("SE %d", i).isCloseTo(reference[1][i], within(1e-6));
    }
    assertThat(beta[3]).as("higher max heart rate, less disease").isNegative();
  }

  /** {β̂, SE} by textbook IRLS on complete rows. */
  static double[][] pooledIrls(List<LogisticRegression.Row> rows) {
    List<double[]> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    for (LogisticRegression.Row r : rows) {
      if (java.util.Arrays.stream(r.x()).noneMatch(Double::isNaN)) {
        double[] x = new double[r.x().length + 1];
        x[0] = 1;
        System.arraycopy(r.x(), 0, x, 1, r.x().length);
        xs.add(x);
        ys.add(r.y());
      }
    }
    int d = xs.get(0).length;
    double[] beta = new double[d];
    RealMatrix info = null;
    for (int it = 0; it < 50; it++) {
      info = new Array2DRowRealMatrix(d, d);
      double[] score = new double[d];
      for (int n = 0; n < xs.size(); n++) {
        double[] x = xs.get(n);
        double eta = 0;
        for (int i = 0; i < d; i++) {
          eta += beta[i] * x[i];
        }
        double p = 1 / (1 + Math.exp(-eta));
        for (int i = 0; i < d; i++) {
          score[i] += x[i] * (ys.get(n) - p);
          for (int j = 0; j < d; j++) {
            info.addToEntry(i, j, p * (1 - p) * x[i] * x[j]);
          }
        }
      }
      double[] step = new LUDecomposition(info).getSolver().solve(new ArrayRealVector(score)).toArray();
      for (int i = 0; i < d; i++) {
        beta[i] += step[i];
      }
    }
    RealMatrix inverse = new LUDecomposition(info).getSolver().getInverse();
    double[] se = new double[d];
    for (int i = 0; i < d; i++) {
      se[i] = Math.sqrt(inverse.getEntry(i, i));
    }
    return new double[][] {beta, se};
  }
}
