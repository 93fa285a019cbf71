package org.fedfhir.study;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A study as a site executes it: immutable, validated, parsed from a {@code PlanDefinition}
 * by {@link StudyParser}.
 *
 * @param url canonical URL
 * @param version business version
 * @param planDefinitionId the local logical id of the PlanDefinition (may be null before storage)
 * @param labelCodes Condition codes that make the label 1
 */
public record StudyDefinition(
    String url, String version, String planDefinitionId, String name, String title, String status,
    StudyKind kind, Algorithm algorithm, StudyParameters parameters, MissingValuePolicy missingValuePolicy,
    CohortCriteria cohort, List<Feature> features, Set<Code> labelCodes) {

  public StudyDefinition {
    Objects.requireNonNull(url, "url");
    features = List.copyOf(features);
    labelCodes = Set.copyOf(labelCodes);
  }

  public List<String> featureNames() {
    return features.stream().map(Feature::name).toList();
  }
}
