package org.fedfhir.fhir.cohort;

import java.util.List;

/**
 * The study's features for the included patients: {@code values[i][j]} is feature {@code j}
 * (in the study's order) of row {@code i}, {@code NaN} where missing (only under
 * {@code impute-mean}); {@code labels[i]} is 0 or 1. Stays inside the site.
 */
public record FeatureMatrix(List<String> names, double[][] values, int[] labels, List<String> patientIds) {
  public FeatureMatrix {
    names = List.copyOf(names);
    patientIds = List.copyOf(patientIds);
    if (values.length != labels.length || values.length != patientIds.size()) {
      throw new IllegalArgumentException("rows " + values.length + " labels " + labels.length + " ids "
          + patientIds.size() + " differ");
    }
  }

  public int rows() {
    return values.length;
  }
}
