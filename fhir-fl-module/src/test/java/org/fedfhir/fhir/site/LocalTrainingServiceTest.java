package org.fedfhir.fhir.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedfhir.fhir.site.Refused.refused;

import ca.uhn.fhir.context.FhirContext;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.study.StudyReader;
import org.fedfhir.study.StudyUrls;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code $train} on plain objects: an in-memory site, Cleveland's records and an in-memory aggregator. */
class LocalTrainingServiceTest {
  static final FhirContext CTX = FhirContext.forR4Cached();
  static final Requester CALLER = Requester.anonymous("127.0.0.1");
  static InMemoryClinicalData cleveland;

  final InMemorySite site = new InMemorySite();
  final InMemoryAggregator aggregator = new InMemoryAggregator();
  LocalTrainingService service;
  FederatedTrainingService federated;

  @BeforeAll
  static void data() {
    cleveland = Fixtures.centre(HeartDiseaseCentre.CLEVELAND, LocalDate.now());
  }

  LocalTrainingService service(ClinicalDataSource data, boolean withAggregator) {
    federated = new FederatedTrainingService(data, site, site, new UcumConverter(),
        "cleveland", withAggregator ? aggregator : null);
    service = new LocalTrainingService(new StudyAdmission(site, site, new StudyReader()), data, site, site,
        new UcumConverter(), "cleveland", federated);
    return service;
  }

  @AfterEach
  void close() {
    if (service != null) {
      service.close();
      federated.close();
    }
  }

  @Test
  void anUnknownModeIsABadRequestNamingTheParameter() {
    site.approve("lr", Fixtures.study("heart-disease-lr"));
    refused(() -> service(cleveland, true).start("lr", "centralised", CALLER), SiteRefusal.Reason.INVALID_REQUEST, 400,
        IssueType.CODEINVALID, "mode 'centralised' is unknown; use local | federated",
        "Parameters.parameter[mode].value");
  }

  @Test
  void federatedModeWithoutAnAggregatorIsNotImplemented() {
    site.approve("lr", Fixtures.study("heart-disease-lr"));
    refused(() -> service(cleveland, false).start("lr", "federated", CALLER), SiteRefusal.Reason.NOT_CONFIGURED, 501,
        IssueType.NOTSUPPORTED, "federated training needs an aggregator (not configured)",
        "Parameters.parameter[mode].value");
    refused(() -> service(cleveland, false).start("lr", null, CALLER), SiteRefusal.Reason.NOT_CONFIGURED, 501,
        IssueType.NOTSUPPORTED, "federated training needs an aggregator (not configured)",
        "Parameters.parameter[mode].value");
  }

  @Test
  void aStudyNotApprovedIsForbiddenAndNoTaskIsCreated() {
    site.install("lr", Fixtures.study("heart-disease-lr"));
    refused(() -> service(cleveland, true).start("lr", "local", CALLER), SiteRefusal.Reason.NOT_APPROVED, 403,
        IssueType.FORBIDDEN, "not approved", null);
    assertThat(site.task("1")).isNull();
    assertThat(site.audits).isEmpty();
  }

  @Test
  void aStatisticsStudyIsNotTrainedOn() {
    site.approve("stats", Fixtures.study("heart-disease-stats"));
    refused(() -> service(cleveland, true).start("stats", "local", CALLER), SiteRefusal.Reason.WRONG_KIND, 422,
        IssueType.BUSINESSRULE, "study kind is statistics; $train needs a training study",
        "PlanDefinition.extension[studyKind]");
  }

  @Test
  void aDraftStudyIsNotTrainedOn() {
    site.approve("draft", Fixtures.study("heart-disease-lr").setStatus(Enumerations.PublicationStatus.DRAFT));
    refused(() -> service(cleveland, true).start("draft", "local", CALLER), SiteRefusal.Reason.NOT_ACTIVE, 422,
        IssueType.BUSINESSRULE, "study status is draft", "PlanDefinition.status");
  }

  @Test
  void anInvalidStudyIsRefusedNamingTheElement() {
    PlanDefinition broken = Fixtures.study("heart-disease-lr");
    broken.getActionFirstRep().getInput().get(2).setType("Encounter");
    site.approve("broken", broken);
    refused(() -> service(cleveland, true).start("broken", "local", CALLER), SiteRefusal.Reason.INVALID_STUDY, 422,
        IssueType.INVALID, "", "PlanDefinition.action[0].input[2].type");
  }

  /** The reference study as algorithm mlp, with {@code hidden-layers} if given. */
  static PlanDefinition mlp(String hiddenLayers) {
    PlanDefinition pd = Fixtures.study("heart-disease-lr");
    ((org.hl7.fhir.r4.model.Coding) pd.getExtensionByUrl(org.fedfhir.study.StudyUrls.EXT_ALGORITHM).getValue())
        .setCode("mlp");
    if (hiddenLayers != null) {
      org.hl7.fhir.r4.model.Extension e = pd.addExtension().setUrl(org.fedfhir.study.StudyUrls.EXT_PARAMETER);
      e.addExtension("name", new org.hl7.fhir.r4.model.CodeType("hidden-layers"));
      e.addExtension("value", new org.hl7.fhir.r4.model.StringType(hiddenLayers));
    }
    return pd;
  }

  @Test
  void anMlpStudyIsNotTrainedLocally() {
    site.approve("mlp", mlp(null));
    refused(() -> service(cleveland, true).start("mlp", "local", CALLER), SiteRefusal.Reason.INVALID_REQUEST, 400,
        IssueType.CODEINVALID, "algorithm mlp trains with mode federated", "Parameters.parameter[mode].value");
  }

  @Test
  void anMlpStudyWithAHiddenLayerTooWideIsRefusedNamingTheParameter() {
    PlanDefinition wide = mlp("512");
    site.approve("wide", wide);
    int last = wide.getExtensionsByUrl(org.fedfhir.study.StudyUrls.EXT_PARAMETER).size() - 1;
    refused(() -> service(cleveland, true).start("wide", "federated", CALLER), SiteRefusal.Reason.INVALID_STUDY, 422,
        IssueType.INVALID, "parameter 'hidden-layers' hidden layer of width 512; need 1 ≤ width ≤ 256",
        "PlanDefinition.extension[parameter][" + last + "].extension[value]");
  }

  @Test
  void anUnknownStudyIsNotFound() {
    refused(() -> service(cleveland, true).start("nowhere", "local", CALLER), SiteRefusal.Reason.UNKNOWN_STUDY, 404,
        IssueType.NOTFOUND, "PlanDefinition/nowhere is not known", null);
  }

  @Test
  void anAcceptedLocalRunCreatesATaskThatCompletesWithMetricsAndIsAudited() throws Exception {
    site.approve("lr", Fixtures.study("heart-disease-lr"));

    Task task = service(cleveland, true).start("lr", "local", CALLER);

    assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
    assertThat(task.getFocus().getReference()).isEqualTo("PlanDefinition/lr");
    assertThat(task.getInstantiatesUri()).isEqualTo(StudyUrls.OPERATION_TRAIN);
    String id = task.getIdElement().getIdPart();
    Task done = site.ended(id).get(60, TimeUnit.SECONDS);
    assertThat(done.getStatus()).as(done.getStatusReason().getText()).isEqualTo(Task.TaskStatus.COMPLETED);
    assertThat(done.getOutput()).anySatisfy(o -> {
      assertThat(o.getType().getCodingFirstRep().getCode()).isEqualTo("accuracy");
      assertThat(((DecimalType) o.getValue()).getValue().doubleValue()).isGreaterThanOrEqualTo(0.72);
    });
    assertThat(site.audits).singleElement().satisfies(ae -> {
      assertThat(ae.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
      assertThat(ae.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getReference()).endsWith("Task/" + id));
    });
    assertThat(aggregator.joined).isNotDone();
  }

  @Test
  void anAcceptedFederatedRunJoinsTheStudyAtTheAggregatorAndAFailedSessionFailsTheTask() throws Exception {
    PlanDefinition study = Fixtures.study("heart-disease-lr");
    site.approve("lr", study);

    Task task = service(cleveland, true).start("lr", "federated", CALLER);

    InMemoryAggregator.Join join = aggregator.joined.get(60, TimeUnit.SECONDS);
    assertThat(join.study().url()).isEqualTo(study.getUrl());
    assertThat(join.study().version()).isEqualTo(study.getVersion());
    assertThat(join.study().definitionDigest()).isEqualTo(StudyDigest.sha256(CTX, study));
    assertThat(join.work()).isInstanceOf(SiteSession.TrainingWork.class);
    assertThat(join.disclosure()).isNull();

    aggregator.session.completeExceptionally(new IllegalStateException("DEFINITION_MISMATCH"));
    Task failed = site.ended(task.getIdElement().getIdPart()).get(60, TimeUnit.SECONDS);
    assertThat(failed.getStatus()).isEqualTo(Task.TaskStatus.FAILED);
    assertThat(failed.getStatusReason().getText()).contains("DEFINITION_MISMATCH");
    assertThat(site.audits).singleElement().satisfies(ae -> {
      assertThat(ae.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._8);
      assertThat(ae.getOutcomeDesc()).contains("DEFINITION_MISMATCH");
    });
  }
}
