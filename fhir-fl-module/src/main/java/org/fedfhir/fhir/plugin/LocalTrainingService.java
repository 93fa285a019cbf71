package org.fedfhir.fhir.plugin;

import org.fedfhir.fhir.audit.Requester;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.NotImplementedOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.fedfhir.fhir.audit.TrainingAudit;
import org.fedfhir.fhir.cohort.ApprovalGate;
import org.fedfhir.fhir.cohort.CohortCounts;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.study.Algorithm;
import org.fedfhir.study.InvalidStudyException;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyKind;
import org.fedfhir.study.StudyParameters;
import org.fedfhir.study.StudyReader;
import org.fedfhir.study.StudyUrls;
import org.fedfhir.fhir.training.LinearAlgorithm;
import org.fedfhir.fhir.training.LocalTrainer;
import org.fedfhir.fhir.training.Metrics;
import org.fedfhir.fhir.training.TrainingConfig;
import org.fedfhir.fhir.training.TrainingData;
import org.fedfhir.fhir.training.TrainingResult;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code $train}: checks the request synchronously (mode, study validity, approval), creates the
 * {@code Task}, then extracts and trains in the background, updating the Task, and writes an
 * {@code AuditEvent} per run. Logs only ids and counts, never patient data.
 */
public class LocalTrainingService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalTrainingService.class);

  private final FhirContext ctx;
  private final DaoRegistry daos;
  private final StudyReader reader;
  private final FeatureExtractor extractor;
  private final String site;
  private final FederatedTrainingService federated;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fedfhir-train");
    t.setDaemon(true);
    return t;
  });

  public LocalTrainingService(FhirContext ctx, DaoRegistry daos, StudyReader reader, UcumConverter ucum,
      String site) {
    this(ctx, daos, reader, ucum, site, null);
  }

  /** With {@code mode=federated} handed to {@code federated} (null: no aggregator, 501). */
  public LocalTrainingService(FhirContext ctx, DaoRegistry daos, StudyReader reader, UcumConverter ucum,
      String site, FederatedTrainingService federated) {
    this.ctx = ctx;
    this.daos = daos;
    this.reader = reader;
    this.extractor = new FeatureExtractor(ucum);
    this.site = site;
    this.federated = federated;
  }

  /** Validates and queues a run; returns the stored Task (status {@code requested}). */
  public Task start(IdType planDefinitionId, String mode, RequestDetails request) {
    String m = mode == null ? "federated" : mode;
    if (!m.equals("local") && !m.equals("federated")) {
      throw new InvalidRequestException("mode '" + m + "' is unknown; use local | federated",
          Outcomes.error(OperationOutcome.IssueType.CODEINVALID, "mode '" + m + "' is unknown; use local | federated",
              "Parameters.parameter[mode].value"));
    }
    PlanDefinition pd = daos.getResourceDao(PlanDefinition.class)
        .read(planDefinitionId.toUnqualifiedVersionless(), new SystemRequestDetails());
    String id = pd.getIdElement().getIdPart();
    StudyDefinition study;
    try {
      study = reader.read(pd);
    } catch (InvalidStudyException e) {
      throw new UnprocessableEntityException(ctx, StudyReader.toOperationOutcome(e.issues()));
    }
    if (m.equals("federated") && (federated == null || !federated.isConfigured())) {
      String msg = "federated training needs an aggregator (not configured)";
      throw new NotImplementedOperationException(msg,
          Outcomes.error(OperationOutcome.IssueType.NOTSUPPORTED, msg, "Parameters.parameter[mode].value"));
    }
    if (study.kind() != StudyKind.TRAINING) {
      String msg = "study kind is " + study.kind().code() + "; $train needs a training study";
      throw new UnprocessableEntityException(ctx, Outcomes.error(OperationOutcome.IssueType.BUSINESSRULE, msg,
          "PlanDefinition.extension[studyKind]"));
    }
    if (!"active".equals(study.status())) {
      String msg = "study status is " + study.status() + "; a site trains only on active studies";
      throw new UnprocessableEntityException(ctx, Outcomes.error(OperationOutcome.IssueType.BUSINESSRULE, msg,
          "PlanDefinition.status"));
    }
    if (!ApprovalGate.isApproved(id, approvals(id))) {
      String msg = "no active ResearchStudy has PlanDefinition/" + id + " as protocol: the data steward has not "
          + "approved this study at this site";
      throw new ForbiddenOperationException(msg, Outcomes.error(OperationOutcome.IssueType.FORBIDDEN, msg, null));
    }

    Task task = new Task();
    task.setStatus(Task.TaskStatus.REQUESTED);
    task.setIntent(Task.TaskIntent.ORDER);
    task.setInstantiatesUri(StudyUrls.OPERATION_TRAIN);
    task.setFocus(new Reference("PlanDefinition/" + id));
    task.setAuthoredOn(new Date());
    task.getBusinessStatus().setText("queued");
    task.addInput().setType(new CodeableConcept().setText("mode")).setValue(new org.hl7.fhir.r4.model.CodeType(m));
    IFhirResourceDao<Task> taskDao = daos.getResourceDao(Task.class);
    IdType taskId = (IdType) taskDao.create(task, new SystemRequestDetails()).getId().toUnqualifiedVersionless();
    task.setId(taskId);
    Requester requester = Requester.of(request);
    LOG.info("$train mode={} queued for PlanDefinition/{} as Task/{}", m, id, taskId.getIdPart());
    if (m.equals("federated")) {
      federated.submit(pd, study, id, taskId, requester);
    } else {
      executor.submit(() -> run(study, id, taskId, requester));
    }
    return task;
  }

  private List<ResearchStudy> approvals(String planDefinitionId) {
    SearchParameterMap map = SearchParameterMap.newSynchronous("protocol",
        new ReferenceParam("PlanDefinition/" + planDefinitionId));
    return daos.getResourceDao(ResearchStudy.class).searchForResources(map, new SystemRequestDetails());
  }

  private void run(StudyDefinition study, String planDefinitionId, IdType taskId, Requester requester) {
    String failure = null;
    Extraction ex = null;
    TrainingResult result = null;
    try {
      update(taskId, t -> {
        t.setStatus(Task.TaskStatus.INPROGRESS);
        t.getBusinessStatus().setText("extracting cohort");
      });
      long t0 = System.nanoTime();
      ex = extractor.extract(study, new DaoClinicalDataSource(daos), Instant.now());
      long t1 = System.nanoTime();
      int rows = ex.counts().included();
      update(taskId, t -> t.getBusinessStatus().setText("training on " + rows + " patients"));
      StudyParameters p = study.parameters();
      TrainingConfig config = new TrainingConfig(
          study.algorithm() == Algorithm.LINEAR_SVM ? LinearAlgorithm.LINEAR_SVM : LinearAlgorithm.LOGISTIC_REGRESSION,
          p.localEpochs(), p.learningRate(), p.seed(), p.testFraction());
      result = new LocalTrainer().train(
          new TrainingData(ex.matrix().names(), ex.matrix().values(), ex.matrix().labels()), config, null);
      LOG.info("$train Task/{}: extraction {} ms, training {} ms, {} rows", taskId.getIdPart(),
          (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000, rows);
    } catch (Exception e) {
      failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      LOG.warn("$train Task/{} failed: {}", taskId.getIdPart(), failure);
    }
    // The AuditEvent is written before the Task ends, so whoever sees the end also finds the record.
    try {
      daos.getResourceDao(org.hl7.fhir.r4.model.AuditEvent.class).create(
          TrainingAudit.of(site, requester, planDefinitionId, taskId.getIdPart(), "local", new Date(), failure),
          new SystemRequestDetails());
    } catch (RuntimeException e) {
      LOG.error("cannot write the AuditEvent of Task/{}", taskId.getIdPart(), e);
    }
    String reason = failure;
    CohortCounts counts = ex == null ? null : ex.counts();
    Metrics metrics = result == null ? null : result.metrics();
    try {
      update(taskId, t -> {
        if (reason == null) {
          complete(t, counts, metrics);
        } else {
          t.setStatus(Task.TaskStatus.FAILED);
          t.getStatusReason().setText(reason);
          t.getBusinessStatus().setText("failed");
        }
      });
    } catch (RuntimeException e) {
      LOG.error("cannot end Task/{}", taskId.getIdPart(), e);
    }
  }

  private static void complete(Task t, CohortCounts c, Metrics m) {
    t.setStatus(Task.TaskStatus.COMPLETED);
    t.getBusinessStatus().setText("completed");
    t.setLastModified(new Date());
    output(t, "accuracy", new DecimalType(m.accuracy()));
    if (!Double.isNaN(m.auc())) {
      output(t, "auc", new DecimalType(m.auc()));
    }
    if (!Double.isNaN(m.brier())) {
      output(t, "brier", new DecimalType(m.brier()));
    }
    output(t, "train-count", new IntegerType(m.trainCount()));
    output(t, "test-count", new IntegerType(m.testCount()));
    output(t, "included", new IntegerType(c.included()));
    output(t, "excluded-consent", new IntegerType(c.excludedConsent()));
    output(t, "excluded-criteria", new IntegerType(c.excludedCriteria()));
    output(t, "missing", new IntegerType(c.missing()));
    output(t, "unconvertible-units", new IntegerType(c.unconvertibleUnits()));
  }

  private static void output(Task t, String code, Type value) {
    t.addOutput().setType(new CodeableConcept().addCoding(
        new org.hl7.fhir.r4.model.Coding(StudyUrls.CS_TRAINING_OUTPUT, code, null))).setValue(value);
  }

  private void update(IdType taskId, java.util.function.Consumer<Task> change) {
    IFhirResourceDao<Task> dao = daos.getResourceDao(Task.class);
    Task t = dao.read(taskId, new SystemRequestDetails());
    change.accept(t);
    dao.update(t, new SystemRequestDetails());
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
