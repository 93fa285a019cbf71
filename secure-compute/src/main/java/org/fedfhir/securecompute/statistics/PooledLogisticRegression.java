package org.fedfhir.securecompute.statistics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Logistic regression in the clear on rows held in one place: textbook IRLS with Commons Math's
 * LU solver, independent of {@link LogisticRegression}'s sums and solver. The reference that
 * {@code ./fedfhir bench stats} and the tests compare the federated fit with; never used on a
 * network.
 */
public final class PooledLogisticRegression {

  private PooledLogisticRegression() {}

  /**
   * @param rows the pooled rows; a row with a missing covariate or an outcome other than 0/1 is
   *     left out (as the sites do); values are used as given (clip them first if the study does)
   * @return {β̂, SE}, intercept first, after IRLS converged (step below 1e-10, at most 50 steps)
   */
  public static double[][] fit(List<LogisticRegression.Row> rows) {
    List<double[]> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    for (LogisticRegression.Row r : rows) {
      if ((r.y() == 0 || r.y() == 1) && Arrays.stream(r.x()).noneMatch(Double::isNaN)) {
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
      double change = 0;
      for (int i = 0; i < d; i++) {
        beta[i] += step[i];
        change = Math.max(change, Math.abs(step[i]));
      }
      if (change < 1e-10) {
        break;
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
