package org.fedfhir.fhir.site;

/**
 * The data steward's approvals at this site: a local {@code ResearchStudy} with status {@code active}
 * whose {@code protocol} is the study's PlanDefinition ({@link org.fedfhir.fhir.cohort.ApprovalGate};
 * DAO-backed in {@code plugin}).
 */
public interface Approvals {

  /** True if an active ResearchStudy has {@code PlanDefinition/{planDefinitionId}} as protocol. */
  boolean isApproved(String planDefinitionId);
}
