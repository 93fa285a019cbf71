package org.fedfhir.fhir.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedfhir.fhir.site.Refused.refused;

import ca.uhn.fhir.context.FhirContext;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.federation.Aggregator;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.study.StudyReader;
import org.fedfhir.study.StatisticsDeclarations;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code $secure-stats} at a site on plain objects: an in-memory site, Cleveland's records and aggregator. */
class SecureStatsSiteServiceTest {
  static final FhirContext CTX = FhirContext.forR4Cached();
  static final Requester CALLER = Requester.anonymous("127.0.0.1");
  static InMemoryClinicalData cleveland;

  final InMemorySite site = new InMemorySite();
  final InMemoryAggregator aggregator = new InMemoryAggregator();

  @BeforeAll
  static void data() {
    cleveland = Fixtures.centre(HeartDiseaseCentre.CLEVELAND, LocalDate.now());
  }

  SecureStatsSiteService service(Aggregator client, Duration joinTimeout) {
    return service(client, joinTimeout, 20);
  }

  SecureStatsSiteService service(Aggregator client, Duration joinTimeout, int minCohort) {
    return new SecureStatsSiteService(new StudyAdmission(site, site, new StudyReader()), cleveland, site,
        new UcumConverter(), "cleveland", 7, minCohort, new StatisticsReleasePolicy(site, site, "cleveland", 1.0), client,
        joinTimeout);
  }

  SecureStatsSiteService service() {
    return service(aggregator, Duration.ofSeconds(30));
  }

  @Test
  void aSiteWithoutAnAggregatorAnswersNotImplemented() {
    site.approve("stats", Fixtures.study("heart-disease-stats"));
    refused(() -> service(null, Duration.ofSeconds(30)).join("stats", CALLER), SiteRefusal.Reason.NOT_CONFIGURED, 501,
        IssueType.NOTSUPPORTED, "statistics studies need an aggregator (not configured at this site)", null);
  }

  @Test
  void aStudyNotApprovedIsForbiddenAndNothingIsSent() {
    site.install("stats", Fixtures.study("heart-disease-stats"));
    refused(() -> service().join("stats", CALLER), SiteRefusal.Reason.NOT_APPROVED, 403, IssueType.FORBIDDEN,
        "no active ResearchStudy has PlanDefinition/stats as protocol", null);
    assertThat(aggregator.joined).isNotDone();
  }

  @Test
  void aTrainingStudyIsNotAStatisticsStudy() {
    site.approve("lr", Fixtures.study("heart-disease-lr"));
    refused(() -> service().join("lr", CALLER), SiteRefusal.Reason.WRONG_KIND, 422, IssueType.BUSINESSRULE,
        "study kind is training; $secure-stats needs a statistics study", "PlanDefinition.extension[studyKind]");
    assertThat(aggregator.joined).isNotDone();
  }

  @Test
  void aStudyThatIsNotActiveIsRefused() {
    site.approve("draft", Fixtures.study("heart-disease-stats").setStatus(Enumerations.PublicationStatus.DRAFT));
    refused(() -> service().join("draft", CALLER), SiteRefusal.Reason.NOT_ACTIVE, 422, IssueType.BUSINESSRULE,
        "study status is draft", "PlanDefinition.status");
  }

  @Test
  void anInvalidStudyIsRefusedNamingTheElement() {
    PlanDefinition broken = Fixtures.study("heart-disease-stats");
    broken.getActionFirstRep().getInput().get(0).setType("Encounter");
    site.approve("broken", broken);
    refused(() -> service().join("broken", CALLER), SiteRefusal.Reason.INVALID_STUDY, 422, IssueType.INVALID, "",
        "PlanDefinition.action[0].input[0].type");
  }

  @Test
  void anUnknownStudyIsNotFound() {
    refused(() -> service().join("nowhere", CALLER), SiteRefusal.Reason.UNKNOWN_STUDY, 404, IssueType.NOTFOUND,
        "PlanDefinition/nowhere is not known", null);
  }

  @Test
  void aCohortLargerThanTheStudyAllowsIsRefusedBeforeJoining() {
    PlanDefinition small = Fixtures.study("heart-disease-stats");
    Extension control = small.getExtensionByUrl("http://fedfhir.org/fhir/StructureDefinition/disclosure-control");
    control.getExtensionByUrl("maxRecordsPerSite").setValue(new PositiveIntType(100));
    site.approve("small", small);
    refused(() -> service().join("small", CALLER), SiteRefusal.Reason.STATISTICS_REFUSED, 422,
        IssueType.BUSINESSRULE, "records in the cohort; the study allows 100 per site (maxRecordsPerSite)", null);
    assertThat(aggregator.joined).isNotDone();
  }

  @Test
  void aCohortUnderTheSitesMinimumIsRefusedWithoutPublishingItsSize() {
    site.approve("stats", Fixtures.study("heart-disease-stats"));
    refused(() -> service(aggregator, Duration.ofSeconds(30), 400).join("stats", CALLER),
        SiteRefusal.Reason.STATISTICS_REFUSED, 422, IssueType.BUSINESSRULE, "this site has fewer than 400 records "
            + "in the cohort, its minimum cohort for statistics (fedfhir.statistics.min-cohort)", null);
    assertThat(aggregator.joined).isNotDone();
  }

  @Test
  void aPublishedCohortSizeIsRoundedToTheNearestFive() {
    assertThat(SecureStatsSiteService.published(303)).isEqualTo(305);
    assertThat(SecureStatsSiteService.published(302)).isEqualTo(300);
  }

  @Test
  void anAcceptedRequestJoinsTheStudyWithTheSitesDisclosureControlAndTheEndIsAudited() throws Exception {
    PlanDefinition study = Fixtures.study("heart-disease-stats");
    site.approve("stats", study);

    OperationOutcome joined = service().join("stats", CALLER);

    assertThat(joined.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.INFORMATION);
    assertThat(joined.getIssueFirstRep().getDiagnostics()).contains("joined statistics study " + study.getUrl())
        .contains("aggregator.test:7443").contains("with about 305 records").doesNotContain("303");
    InMemoryAggregator.Join join = aggregator.joined.getNow(null);
    assertThat(join.study().definitionDigest()).isEqualTo(StudyDigest.sha256(CTX, study));
    assertThat(join.study().modelDimension()).isEqualTo(StatisticsDeclarations.read(study).length());
    assertThat(join.disclosure()).isEqualTo(new SiteSession.Disclosure(7, false));
    assertThat(join.work()).isInstanceOf(SiteSession.RegressionWork.class);
    assertThat(site.audits).isEmpty();

    aggregator.session.complete(new SiteSession.Outcome(0, null));
    AuditEvent audit = site.firstAudit.get(10, TimeUnit.SECONDS);
    assertThat(audit.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._8);
    assertThat(audit.getOutcomeDesc()).isEqualTo("the session ended before a round released the statistics");
  }

  @Test
  void anAggregatorThatRefusesTheJoinIsABadGatewayAndTheRefusalIsAudited() throws Exception {
    site.approve("stats", Fixtures.study("heart-disease-stats"));
    aggregator.acceptJoins = false;
    aggregator.session.completeExceptionally(new IllegalStateException("DEFINITION_MISMATCH"));

    refused(() -> service().join("stats", CALLER), SiteRefusal.Reason.AGGREGATOR_FAILED, 502, IssueType.TRANSIENT,
        "the aggregator aggregator.test:7443 did not accept the join", null);
    assertThat(site.firstAudit.get(10, TimeUnit.SECONDS).getOutcomeDesc()).contains("DEFINITION_MISMATCH");
  }

  @Test
  void anAggregatorThatDoesNotAnswerTheJoinIsAGatewayTimeout() {
    site.approve("stats", Fixtures.study("heart-disease-stats"));
    aggregator.acceptJoins = false;

    refused(() -> service(aggregator, Duration.ofMillis(50)).join("stats", CALLER), SiteRefusal.Reason.AGGREGATOR_TIMEOUT,
        504, IssueType.TIMEOUT, "did not answer the join within", null);
  }

  @Test
  void aStudyVersionThisSiteReleasedIsRefusedWhenAskedAgainAndTheReleaseIsInItsAuditTrail() throws Exception {
    PlanDefinition study = Fixtures.study("heart-disease-stats");
    site.approve("stats", study);
    service().join("stats", CALLER);
    SiteSession.StatisticsWork work = (SiteSession.StatisticsWork) aggregator.joined.getNow(null).work();

    work.statistics(1, 3);

    assertThat(site.releases(study.getUrl())).containsExactly(
        new org.fedfhir.fhir.audit.SecureStatsAudit.Release(study.getUrl(), study.getVersion(), 0));
    InMemoryAggregator again = new InMemoryAggregator();
    refused(() -> service(again, Duration.ofSeconds(30)).join("stats", CALLER), SiteRefusal.Reason.STATISTICS_REFUSED,
        422, IssueType.BUSINESSRULE, "this site has already released the statistics of " + study.getUrl() + "|"
            + study.getVersion(), null);
    assertThat(again.joined).isNotDone();
  }

  @Test
  void aSecondSessionJoinedBeforeTheFirstReleasedComputesNothingOnceTheFirstHas() throws Exception {
    site.approve("stats", Fixtures.study("heart-disease-stats"));
    InMemoryAggregator second = new InMemoryAggregator();
    service().join("stats", CALLER);
    service(second, Duration.ofSeconds(30)).join("stats", CALLER);
    SiteSession.StatisticsWork first = (SiteSession.StatisticsWork) aggregator.joined.getNow(null).work();
    SiteSession.StatisticsWork other = (SiteSession.StatisticsWork) second.joined.getNow(null).work();

    first.statistics(1, 3);

    // the aggregator's second run (with or without another site) gets nothing from this site
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.statistics(1, 3))
        .isInstanceOf(SiteSession.RoundRefusedException.class).hasMessageContaining("already released");
  }

  @Test
  void aPrivateStudyIsReleasedAgainOnlyWithinTheSitesEpsilonCap() throws Exception {
    PlanDefinition study = privateCounts(0.4);
    site.approve("dp", study);
    for (int i = 0; i < 2; i++) {
      InMemoryAggregator a = new InMemoryAggregator();
      service(a, Duration.ofSeconds(30)).join("dp", CALLER);
      ((SiteSession.StatisticsWork) a.joined.getNow(null).work()).statistics(1, 3);
    }

    refused(() -> service(new InMemoryAggregator(), Duration.ofSeconds(30)).join("dp", CALLER),
        SiteRefusal.Reason.STATISTICS_REFUSED, 422, IssueType.BUSINESSRULE,
        "this site has spent ε 0.8000 on that study (all versions) of its cap 1.000", null);
  }

  /** The statistics study with only its first statistic (counts), that one differentially private at ε. */
  static PlanDefinition privateCounts(double epsilon) {
    PlanDefinition study = Fixtures.study("heart-disease-stats");
    java.util.List<Extension> statistics = study.getActionFirstRep().getExtension();
    statistics.subList(1, statistics.size()).clear();
    statistics.get(0).addExtension("epsilon", new org.hl7.fhir.r4.model.DecimalType(epsilon));
    study.getExtensionByUrl(StatisticsDeclarations.DISCLOSURE_CONTROL)
        .addExtension("epsilonBudget", new org.hl7.fhir.r4.model.DecimalType(10));
    return study;
  }
}
