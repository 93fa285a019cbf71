package org.fedfhir.fhir.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.federation.StudyDigest;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class ApprovalGateTest {
  static final String DIGEST = "0123456789abcdef".repeat(4);

  static ResearchStudy study(ResearchStudy.ResearchStudyStatus status, String protocol) {
    ResearchStudy rs = new ResearchStudy().setStatus(status);
    rs.addProtocol(new Reference(protocol));
    rs.addExtension(ApprovalGate.DIGEST_EXTENSION, new StringType("sha256:" + DIGEST));
    return rs;
  }

  @Test
  void activeResearchStudyWithTheProtocolApprovesTheDigestItNames() {
    ApprovalGate.ApprovedDigests approved = ApprovalGate.approvedDigests("hd", List.of(
        study(ResearchStudy.ResearchStudyStatus.ACTIVE, "PlanDefinition/hd")));
    assertThat(approved.approvals()).isEqualTo(1);
    assertThat(approved.digests()).containsExactly(DIGEST);
    assertThat(ApprovalGate.whyNotApproved("hd", DIGEST, approved)).isEmpty();
  }

  @Test
  void noResearchStudyMeansNoApproval() {
    ApprovalGate.ApprovedDigests approved = ApprovalGate.approvedDigests("hd", List.of());
    assertThat(approved.approvals()).isZero();
    assertThat(ApprovalGate.whyNotApproved("hd", DIGEST, approved)).hasValueSatisfying(why ->
        assertThat(why).contains("no active ResearchStudy has PlanDefinition/hd as protocol"));
  }

  @Test
  void researchStudyThatIsNotActiveDoesNotApprove() {
    assertThat(ApprovalGate.approvedDigests("hd", List.of(
        study(ResearchStudy.ResearchStudyStatus.CLOSEDTOACCRUAL, "PlanDefinition/hd"),
        study(ResearchStudy.ResearchStudyStatus.WITHDRAWN, "PlanDefinition/hd"))))
        .isEqualTo(ApprovalGate.ApprovedDigests.none());
  }

  @Test
  void activeResearchStudyOfAnotherPlanDefinitionDoesNotApprove() {
    assertThat(ApprovalGate.approvedDigests("hd", List.of(
        study(ResearchStudy.ResearchStudyStatus.ACTIVE, "PlanDefinition/other"),
        study(ResearchStudy.ResearchStudyStatus.ACTIVE, "ActivityDefinition/hd"))))
        .isEqualTo(ApprovalGate.ApprovedDigests.none());
  }

  @Test
  void anApprovalWithoutADigestOrWithAMalformedOneApprovesNothingAndSaysSo() {
    ResearchStudy bare = new ResearchStudy().setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
    bare.addProtocol(new Reference("PlanDefinition/hd"));
    ResearchStudy shortDigest = bare.copy();
    shortDigest.addExtension(ApprovalGate.DIGEST_EXTENSION, new StringType("sha256:0123"));

    ApprovalGate.ApprovedDigests approved = ApprovalGate.approvedDigests("hd", List.of(bare, shortDigest));

    assertThat(approved.approvals()).isEqualTo(2);
    assertThat(approved.digests()).isEmpty();
    assertThat(ApprovalGate.whyNotApproved("hd", DIGEST, approved)).hasValueSatisfying(why ->
        assertThat(why).contains("names no study digest").contains("approves nothing"));
  }

  @Test
  void anApprovalOfOtherContentNamesBothDigestsByTheirFirstTwelveHexDigits() {
    String now = "fedcba9876543210".repeat(4);
    ApprovalGate.ApprovedDigests approved = ApprovalGate.ApprovedDigests.of(DIGEST);

    assertThat(ApprovalGate.whyNotApproved("hd", now, approved)).hasValue("PlanDefinition/hd changed since approval:"
        + " its content digests to sha256:fedcba987654…, the data steward approved sha256:0123456789ab…;"
        + " it is not approved until a ResearchStudy approves the new digest");
  }

  @Test
  void approvingAStudyNamesItsCurrentDigest() {
    FhirContext ctx = FhirContext.forR4Cached();
    PlanDefinition pd = Fixtures.study("heart-disease-lr");

    ResearchStudy approval = ApprovalGate.approving(ctx, pd);

    assertThat(approval.getProtocolFirstRep().getReference())
        .isEqualTo("PlanDefinition/" + pd.getIdElement().getIdPart());
    assertThat(ApprovalGate.approvedDigests(pd.getIdElement().getIdPart(), List.of(approval)).digests())
        .containsExactly(StudyDigest.sha256Hex(ctx, pd));
  }
}
