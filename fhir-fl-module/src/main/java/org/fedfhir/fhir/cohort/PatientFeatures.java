package org.fedfhir.fhir.cohort;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.fedfhir.study.Feature;
import org.fedfhir.study.MissingValuePolicy;
import org.fedfhir.study.StudyDefinition;

/**
 * One patient's features for inference ({@link FeatureExtractor#extractPatient}): the values in the
 * study's order ({@code NaN} where missing) and, per feature, the resources the value was read
 * from ({@code Observation/…}, {@code Condition/…}, {@code Patient/…}). Stays inside the site;
 * {@link #toString()} prints no value.
 *
 * @param status whether the patient can be scored at all
 * @param unconvertible values that were excluded because their unit could not be converted
 */
public record PatientFeatures(String patientId, Status status, List<String> names, double[] values,
    List<Set<String>> basis, int unconvertible) {

  /** Whether the patient's features could be read for the study. */
  public enum Status {
    /** Read; values may still be missing. */
    INCLUDED,
    /** No such patient. */
    NOT_FOUND,
    /** The patient's research consent denies use. */
    CONSENT_DENIED,
    /** The patient does not meet the study's age/sex criteria. */
    OUTSIDE_COHORT
  }

  public PatientFeatures {
    names = List.copyOf(names);
    values = values.clone();
    List<Set<String>> copy = new ArrayList<>();
    basis.forEach(b -> copy.add(Collections.unmodifiableSet(new LinkedHashSet<>(b))));
    basis = List.copyOf(copy);
    if (values.length != names.size() || basis.size() != names.size()) {
      throw new IllegalArgumentException("need one value and one basis per feature (" + names.size() + ")");
    }
  }

  static PatientFeatures refused(String patientId, Status status, List<String> names) {
    double[] values = new double[names.size()];
    java.util.Arrays.fill(values, Double.NaN);
    return new PatientFeatures(patientId, status, names, values, Collections.nCopies(names.size(), Set.of()), 0);
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  /** The study's features this patient has no value for. */
  public List<Feature> missing(StudyDefinition study) {
    List<Feature> missing = new ArrayList<>();
    for (int j = 0; j < values.length; j++) {
      if (Double.isNaN(values[j])) {
        missing.add(study.features().get(j));
      }
    }
    return missing;
  }

  /**
   * The missing features that stop a prediction, as training would have excluded the patient:
   * every {@code required} one, and under {@code drop} every missing one. Under
   * {@code impute-mean} other missing features take the model's (global) mean.
   */
  public List<Feature> blockingMissing(StudyDefinition study) {
    return missing(study).stream()
        .filter(f -> f.required() || study.missingValuePolicy() == MissingValuePolicy.DROP)
        .toList();
  }

  /** Every resource a present value was read from, in feature order, without repeats. */
  public List<String> allBasis() {
    Set<String> all = new LinkedHashSet<>();
    basis.forEach(all::addAll);
    return List.copyOf(all);
  }

  /** Never prints values. */
  @Override
  public String toString() {
    return "PatientFeatures[" + status + ", " + names.size() + " features]";
  }
}
