package org.fedfhir.fhir.training;

/** The Tribuo linear models a site can train. */
public enum LinearAlgorithm {
  /** Multinomial logistic regression ({@code LogMulticlass}); gives probabilities. */
  LOGISTIC_REGRESSION,
  /** Linear SVM ({@code Hinge} loss); gives margins, no probabilities. */
  LINEAR_SVM
}
