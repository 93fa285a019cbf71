package org.fedfhir.fhir.cohort;

import java.util.Collection;
import org.hl7.fhir.r4.model.ResearchStudy;

/**
 * The data steward's approval: a site reads data for a study only if a local {@code ResearchStudy}
 * with status {@code active} has the study's PlanDefinition as its {@code protocol}.
 */
public final class ApprovalGate {

  private ApprovalGate() {}

  /** True if one of {@code studies} approves the local PlanDefinition {@code planDefinitionId}. */
  public static boolean isApproved(String planDefinitionId, Collection<ResearchStudy> studies) {
    for (ResearchStudy rs : studies) {
      if (rs.getStatus() != ResearchStudy.ResearchStudyStatus.ACTIVE) {
        continue;
      }
      boolean protocol = rs.getProtocol().stream().anyMatch(ref ->
          ref.getReferenceElement().hasIdPart()
              && "PlanDefinition".equals(ref.getReferenceElement().getResourceType())
              && planDefinitionId.equals(ref.getReferenceElement().getIdPart()));
      if (protocol) {
        return true;
      }
    }
    return false;
  }
}
