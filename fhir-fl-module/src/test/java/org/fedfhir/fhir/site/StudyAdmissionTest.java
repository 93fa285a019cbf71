package org.fedfhir.fhir.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedfhir.fhir.site.Refused.refused;

import ca.uhn.fhir.context.FhirContext;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.study.StudyKind;
import org.fedfhir.study.StudyReader;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Test;

/** The checks every {@code $train} and {@code $secure-stats} passes, on an in-memory site. */
class StudyAdmissionTest {
  static final FhirContext CTX = FhirContext.forR4Cached();
  final InMemorySite site = new InMemorySite();
  final StudyAdmission admission = new StudyAdmission(site, site, new StudyReader());

  @Test
  void anApprovedActiveStudyOfTheOperationsKindIsAdmitted() throws Exception {
    site.approve("lr", Fixtures.study("heart-disease-lr")).approve("stats", Fixtures.study("heart-disease-stats"));

    StudyAdmission.Admitted training = admission.admit("lr", StudyKind.TRAINING, "$train");
    StudyAdmission.Admitted statistics = admission.admit("stats", StudyKind.STATISTICS, "$secure-stats");

    assertThat(training.id()).isEqualTo("lr");
    assertThat(training.study().kind()).isEqualTo(StudyKind.TRAINING);
    assertThat(training.planDefinition().getUrl()).isEqualTo(training.study().url());
    assertThat(statistics.study().kind()).isEqualTo(StudyKind.STATISTICS);
  }

  @Test
  void aStudyTheSiteDoesNotHaveIsRefusedAsNotFound() {
    refused(() -> admission.admit("nowhere", StudyKind.TRAINING, "$train"), SiteRefusal.Reason.UNKNOWN_STUDY, 404,
        IssueType.NOTFOUND, "PlanDefinition/nowhere is not known at this site", null);
  }

  @Test
  void anInvalidStudyIsRefusedWithAnIssueNamingTheElement() {
    PlanDefinition broken = Fixtures.study("heart-disease-lr");
    broken.getActionFirstRep().getInput().get(2).setType("Encounter");
    site.approve("broken", broken);

    refused(() -> admission.admit("broken", StudyKind.TRAINING, "$train"), SiteRefusal.Reason.INVALID_STUDY, 422,
        IssueType.INVALID, "", "PlanDefinition.action[0].input[2].type");
  }

  @Test
  void aStudyOfTheOtherKindIsRefusedNamingBothKinds() {
    site.approve("lr", Fixtures.study("heart-disease-lr")).approve("stats", Fixtures.study("heart-disease-stats"));

    refused(() -> admission.admit("stats", StudyKind.TRAINING, "$train"), SiteRefusal.Reason.WRONG_KIND, 422,
        IssueType.BUSINESSRULE, "study kind is statistics; $train needs a training study",
        "PlanDefinition.extension[studyKind]");
    refused(() -> admission.admit("lr", StudyKind.STATISTICS, "$secure-stats"), SiteRefusal.Reason.WRONG_KIND, 422,
        IssueType.BUSINESSRULE, "study kind is training; $secure-stats needs a statistics study",
        "PlanDefinition.extension[studyKind]");
  }

  @Test
  void aStudyThatIsNotActiveIsRefusedNamingItsStatus() {
    site.approve("retired", Fixtures.study("heart-disease-lr").setStatus(Enumerations.PublicationStatus.RETIRED));

    refused(() -> admission.admit("retired", StudyKind.TRAINING, "$train"), SiteRefusal.Reason.NOT_ACTIVE, 422,
        IssueType.BUSINESSRULE, "study status is retired", "PlanDefinition.status");
  }

  @Test
  void aStudyTheDataStewardHasNotApprovedIsForbidden() {
    site.install("lr", Fixtures.study("heart-disease-lr"));

    refused(() -> admission.admit("lr", StudyKind.TRAINING, "$train"), SiteRefusal.Reason.NOT_APPROVED, 403,
        IssueType.FORBIDDEN, "the data steward has not approved this study at this site", null);
  }

  @Test
  void aPutThatChangesTheCohortAfterApprovalIsForbiddenUntilTheNewContentIsApproved() throws Exception {
    PlanDefinition approved = Fixtures.study("heart-disease-lr");
    site.approve("lr", approved);
    String before = StudyDigest.sha256Hex(CTX, approved);
    assertThat(admission.admit("lr", StudyKind.TRAINING, "$train").id()).isEqualTo("lr");

    PlanDefinition changed = approved.copy();
    changed.addExtension().setUrl("http://fedfhir.org/fhir/StructureDefinition/cohort-criteria")
        .addExtension("minAge", new IntegerType(70));
    site.install("lr", changed);
    String after = StudyDigest.sha256Hex(CTX, changed);

    OperationOutcome.OperationOutcomeIssueComponent issue = refused(
        () -> admission.admit("lr", StudyKind.TRAINING, "$train"), SiteRefusal.Reason.NOT_APPROVED, 403,
        IssueType.FORBIDDEN, "PlanDefinition/lr changed since approval", null);
    assertThat(issue.getDiagnostics()).contains("sha256:" + after.substring(0, 12) + "…")
        .contains("sha256:" + before.substring(0, 12) + "…")
        .doesNotContain(after.substring(0, 13)).doesNotContain(before.substring(0, 13));

    site.approveAsItIsNow("lr");
    assertThat(admission.admit("lr", StudyKind.TRAINING, "$train").planDefinition()).isSameAs(changed);
  }

  @Test
  void anApprovalThatNamesNoDigestApprovesNothing() {
    site.install("lr", Fixtures.study("heart-disease-lr")).approveDigest("lr", null);

    refused(() -> admission.admit("lr", StudyKind.TRAINING, "$train"), SiteRefusal.Reason.NOT_APPROVED, 403,
        IssueType.FORBIDDEN, "names no study digest (extension approved-study-digest)", null);
  }
}
