package org.fedfhir.securecompute.statistics;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;

/**
 * The d×d Fisher information of a logistic model summed over sites, as the sites send it (its upper
 * triangle, row by row), factorised once by Commons Math's Cholesky decomposition for the Newton
 * step {@code I⁻¹ U} and the standard errors {@code sqrt(diag I⁻¹)}. Shared by the statistics'
 * {@link LogisticRegression} and the aggregator's federated Newton strategy.
 */
public final class InformationMatrix {

  private final DecompositionSolver solver;
  private final int d;

  private InformationMatrix(DecompositionSolver solver, int d) {
    this.solver = solver;
    this.d = d;
  }

  /**
   * @param packed holds the upper triangle from {@code offset} on: (0,0), (0,1) … (0,d−1), (1,1) …
   * @param ridge added to the diagonal (an L2 penalty), or null
   * @param hint what to say when the matrix is singular (why it may be, what to do)
   * @throws IllegalArgumentException if the matrix is not positive definite
   */
  public static InformationMatrix fromUpperTriangle(double[] packed, int offset, int d, double[] ridge, String hint) {
    if (packed.length < offset + d * (d + 1) / 2) {
      throw new IllegalArgumentException("an information matrix of dimension " + d + " needs " + d * (d + 1) / 2
          + " numbers from " + offset + "; have " + (packed.length - offset));
    }
    double[][] a = new double[d][d];
    int k = offset;
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        a[i][j] = packed[k];
        a[j][i] = packed[k];
        k++;
      }
      if (ridge != null) {
        a[i][i] += ridge[i];
      }
    }
    try {
      // exactly symmetric by construction; any positive pivot is accepted
      return new InformationMatrix(new CholeskyDecomposition(new Array2DRowRealMatrix(a, false), 0, 0).getSolver(),
          d);
    } catch (NonPositiveDefiniteMatrixException e) {
      throw new IllegalArgumentException("information matrix is not positive definite: " + hint, e);
    }
  }

  /** @return x with I·x = b */
  public double[] solve(double[] b) {
    return solver.solve(new ArrayRealVector(b, false)).toArray();
  }

  /** @return the diagonal of I⁻¹ (the coefficients' variances) */
  public double[] inverseDiagonal() {
    double[] out = new double[d];
    for (int i = 0; i < d; i++) {
      double[] unit = new double[d];
      unit[i] = 1;
      out[i] = solve(unit)[i];
    }
    return out;
  }
}
