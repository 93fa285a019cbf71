package org.fedfhir.fhir.training;

import java.util.Arrays;
import org.fedfhir.federation.Standardisation;

/**
 * A linear model's weights as a fixed-schema vector, the only form in which models travel between
 * parties. Layout, for {@code L} labels (label ids 0 = negative, 1 = positive) and {@code F} features
 * in the study's order:
 * <pre>
 *   [ b_0, w_0,0 … w_0,F−1,  b_1, w_1,0 … w_1,F−1 ]      length L × (F + 1)
 * </pre>
 * i.e. for each label row, the bias first, then the weights in feature order. Weights apply to
 * standardised features ({@link Standardisation}).
 */
public record LinearWeights(int labels, int features, double[] vector) {
  public LinearWeights {
    if (vector.length != labels * (features + 1)) {
      throw new IllegalArgumentException("vector length " + vector.length + " is not labels × (features + 1) = "
          + labels * (features + 1));
    }
    vector = vector.clone();
  }

  public double bias(int label) {
    return vector[label * (features + 1)];
  }

  public double weight(int label, int feature) {
    return vector[label * (features + 1) + 1 + feature];
  }

  @Override
  public double[] vector() {
    return vector.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinearWeights w && w.labels == labels && w.features == features
        && Arrays.equals(w.vector, vector);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    return "LinearWeights[labels=" + labels + ", features=" + features + "]";
  }
}
