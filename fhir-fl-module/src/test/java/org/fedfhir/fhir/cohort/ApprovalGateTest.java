package org.fedfhir.fhir.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.Test;

class ApprovalGateTest {
  static ResearchStudy study(ResearchStudy.ResearchStudyStatus status, String protocol) {
    ResearchStudy rs = new ResearchStudy().setStatus(status);
    rs.addProtocol(new Reference(protocol));
    return rs;
  }

  @Test
  void activeResearchStudyWithTheProtocolApproves() {
    assertThat(ApprovalGate.isApproved("hd", List.of(
        study(ResearchStudy.ResearchStudyStatus.ACTIVE, "PlanDefinition/hd")))).isTrue();
  }

  @Test
  void noResearchStudyMeansNoApproval() {
    assertThat(ApprovalGate.isApproved("hd", List.of())).isFalse();
  }

  @Test
  void researchStudyThatIsNotActiveDoesNotApprove() {
    assertThat(ApprovalGate.isApproved("hd", List.of(
        study(ResearchStudy.ResearchStudyStatus.CLOSEDTOACCRUAL, "PlanDefinition/hd"),
        study(ResearchStudy.ResearchStudyStatus.WITHDRAWN, "PlanDefinition/hd")))).isFalse();
  }

  @Test
  void activeResearchStudyOfAnotherPlanDefinitionDoesNotApprove() {
    assertThat(ApprovalGate.isApproved("hd", List.of(
        study(ResearchStudy.ResearchStudyStatus.ACTIVE, "PlanDefinition/other"),
        study(ResearchStudy.ResearchStudyStatus.ACTIVE, "ActivityDefinition/hd")))).isFalse();
  }
}
