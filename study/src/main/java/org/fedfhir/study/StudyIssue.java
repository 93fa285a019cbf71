package org.fedfhir.study;

/**
 * One broken rule of a study definition.
 *
 * @param location FHIRPath-like location of the element, e.g.
 *     {@code PlanDefinition.action[0].input[2].extension[feature].name}
 * @param reason what is wrong and what is allowed
 */
public record StudyIssue(String location, String reason) {
  @Override
  public String toString() {
    return location + ": " + reason;
  }
}
