package org.fedfhir.fhir.training;

import java.util.List;

/**
 * A site's labelled rows: {@code x[i][j]} feature {@code j} (study order) of row {@code i},
 * {@code NaN} where missing; {@code y[i]} 0 or 1.
 */
public record TrainingData(List<String> featureNames, double[][] x, int[] y) {
  public TrainingData {
    featureNames = List.copyOf(featureNames);
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " rows but " + y.length + " labels");
    }
    for (double[] row : x) {
      if (row.length != featureNames.size()) {
        throw new IllegalArgumentException("a row has " + row.length + " values for " + featureNames.size()
            + " features");
      }
    }
    for (int label : y) {
      if (label != 0 && label != 1) {
        throw new IllegalArgumentException("label " + label + " is not 0 or 1");
      }
    }
  }

  public int rows() {
    return y.length;
  }
}
