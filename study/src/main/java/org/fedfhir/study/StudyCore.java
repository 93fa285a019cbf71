package org.fedfhir.study;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What every kind of study declares: who it is, its parameters, and the cohort and its feature
 * matrix (features, label, missing values).
 *
 * @param url canonical URL
 * @param version business version
 * @param planDefinitionId the local logical id of the PlanDefinition (may be null before storage)
 * @param status the PlanDefinition's status code (draft | active | retired | unknown)
 * @param labelCodes Condition codes that make the label 1
 */
public record StudyCore(
    String url, String version, String planDefinitionId, String name, String title, String status,
    StudyParameters parameters, MissingValuePolicy missingValuePolicy, CohortCriteria cohort,
    List<Feature> features, Set<Code> labelCodes) {

  public StudyCore {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(cohort, "cohort");
    features = List.copyOf(features);
    labelCodes = Set.copyOf(labelCodes);
  }
}
