package org.fedfhir.study;

/** Where a feature's value comes from. */
public enum FeatureSource {
  /** Value of Observations with the feature's code. */
  OBSERVATION,
  /** 1 if the patient has a Condition with the code, else 0 (never missing). */
  CONDITION,
  /** Age in whole years at the index date (from {@code Patient.birthDate}). */
  PATIENT_AGE,
  /** {@code Patient.gender}: male 1, female 0; other or unknown is missing. */
  PATIENT_SEX
}
