package org.fedfhir.fhir.site;

import java.util.Optional;
import org.fedfhir.fhir.cohort.ApprovalGate;

/**
 * The data steward's approvals at this site: a local {@code ResearchStudy} with status {@code active}
 * whose {@code protocol} is the study's PlanDefinition and whose extension
 * {@value org.fedfhir.fhir.cohort.ApprovalGate#DIGEST_EXTENSION} names the study digest
 * ({@link org.fedfhir.fhir.federation.StudyDigest}) of the content approved
 * ({@link org.fedfhir.fhir.cohort.ApprovalGate}; DAO-backed in {@code plugin}). An approval binds
 * content, not an id: a PlanDefinition changed after approval (PUT) is not approved until a
 * ResearchStudy approves its new digest.
 */
public interface Approvals {

  /** The digests the active ResearchStudies with {@code PlanDefinition/{planDefinitionId}} as protocol approve. */
  ApprovalGate.ApprovedDigests approvedDigests(String planDefinitionId);

  /**
   * Why {@code PlanDefinition/{planDefinitionId}}, whose content now has study digest {@code digest}
   * (hex), is not approved; empty if an active approval names that digest.
   */
  default Optional<String> whyNotApproved(String planDefinitionId, String digest) {
    return ApprovalGate.whyNotApproved(planDefinitionId, digest, approvedDigests(planDefinitionId));
  }
}
