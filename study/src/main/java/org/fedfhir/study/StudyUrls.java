package org.fedfhir.study;

/** Canonical URLs of the FedFHIR study format ({@code docs/study-format.md}). */
public final class StudyUrls {
  public static final String BASE = "http://fedfhir.org/fhir";
  public static final String EXT_STUDY_KIND = BASE + "/StructureDefinition/study-kind";
  public static final String EXT_ALGORITHM = BASE + "/StructureDefinition/algorithm";
  public static final String EXT_PARAMETER = BASE + "/StructureDefinition/study-parameter";
  public static final String EXT_MISSING_VALUE_POLICY = BASE + "/StructureDefinition/missing-value-policy";
  public static final String EXT_COHORT = BASE + "/StructureDefinition/cohort-criteria";
  public static final String EXT_FEATURE = BASE + "/StructureDefinition/feature";
  public static final String CS_ALGORITHM = BASE + "/CodeSystem/algorithm";
  public static final String CS_STUDY_KIND = BASE + "/CodeSystem/study-kind";
  public static final String CS_STUDY_PARAMETER = BASE + "/CodeSystem/study-parameter";
  public static final String CS_TRAINING_OUTPUT = BASE + "/CodeSystem/training-output";
  public static final String CS_HEART_DISEASE = BASE + "/CodeSystem/heart-disease-attribute";
  public static final String OPERATION_TRAIN = BASE + "/OperationDefinition/train";
  public static final String PLAN_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/plan-definition-type";
  public static final String UCUM = "http://unitsofmeasure.org";
  public static final String LOINC = "http://loinc.org";
  public static final String SNOMED = "http://snomed.info/sct";

  private StudyUrls() {}
}
