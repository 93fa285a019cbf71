package org.fedfhir.fhir.site;

import java.time.Instant;
import java.util.Date;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.audit.TrainingAudit;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.fhir.cohort.CohortCounts;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.study.Algorithm;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyKind;
import org.fedfhir.study.StudyParameters;
import org.fedfhir.study.StudyUrls;
import org.fedfhir.fhir.training.LinearAlgorithm;
import org.fedfhir.fhir.training.LocalTrainer;
import org.fedfhir.fhir.training.Metrics;
import org.fedfhir.fhir.training.TrainingConfig;
import org.fedfhir.fhir.training.TrainingData;
import org.fedfhir.fhir.training.TrainingResult;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code $train}: checks the request synchronously (mode, then the study through
 * {@link StudyAdmission}), creates the {@code Task}, then extracts and trains in the background
 * (or hands {@code mode=federated} to {@link FederatedTrainingService}), updating the Task, and
 * writes an {@code AuditEvent} per run. Logs only ids and counts, never patient data.
 */
public class LocalTrainingService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalTrainingService.class);

  private final StudyAdmission admission;
  private final ClinicalDataSource data;
  private final Tasks tasks;
  private final AuditTrail audit;
  private final FeatureExtractor extractor;
  private final String site;
  private final FederatedTrainingService federated;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fedfhir-train");
    t.setDaemon(true);
    return t;
  });

  /** With {@code mode=federated} handed to {@code federated} (null or not configured: no aggregator, 501). */
  public LocalTrainingService(StudyAdmission admission, ClinicalDataSource data, Tasks tasks, AuditTrail audit,
      UcumConverter ucum, String site, FederatedTrainingService federated) {
    this.admission = admission;
    this.data = data;
    this.tasks = tasks;
    this.audit = audit;
    this.extractor = new FeatureExtractor(ucum);
    this.site = site;
    this.federated = federated;
  }

  /**
   * Validates and queues a run of {@code $train} on {@code PlanDefinition/{planDefinitionId}};
   * {@code mode} {@code local} or {@code federated} (null: federated). Returns the stored Task
   * (status {@code requested}).
   */
  public Task start(String planDefinitionId, String mode, Requester requester) throws SiteRefusal {
    String m = mode == null ? "federated" : mode;
    if (!m.equals("local") && !m.equals("federated")) {
      throw new SiteRefusal(SiteRefusal.Reason.INVALID_REQUEST, "mode '" + m + "' is unknown; use local | federated",
          "Parameters.parameter[mode].value");
    }
    if (m.equals("federated") && (federated == null || !federated.isConfigured())) {
      throw new SiteRefusal(SiteRefusal.Reason.NOT_CONFIGURED, "federated training needs an aggregator (not configured)",
          "Parameters.parameter[mode].value");
    }
    StudyAdmission.Admitted admitted = admission.admit(planDefinitionId, StudyKind.TRAINING, "$train");
    String id = admitted.id();
    StudyDefinition study = admitted.study();
    if (m.equals("local") && study.algorithm() == Algorithm.MLP) {
      throw new SiteRefusal(SiteRefusal.Reason.INVALID_REQUEST, "mode local trains the linear models only; "
          + "algorithm mlp trains with mode federated", "Parameters.parameter[mode].value");
    }

    Task task = new Task();
    task.setStatus(Task.TaskStatus.REQUESTED);
    task.setIntent(Task.TaskIntent.ORDER);
    task.setInstantiatesUri(StudyUrls.OPERATION_TRAIN);
    task.setFocus(new Reference("PlanDefinition/" + id));
    task.setAuthoredOn(new Date());
    task.getBusinessStatus().setText("queued");
    task.addInput().setType(new CodeableConcept().setText("mode")).setValue(new CodeType(m));
    String taskId = tasks.create(task);
    task.setId("Task/" + taskId);
    LOG.info("$train mode={} queued for PlanDefinition/{} as Task/{}", m, id, taskId);
    if (m.equals("federated")) {
      federated.submit(admitted, taskId, requester);
    } else {
      executor.submit(() -> run(study, id, taskId, requester));
    }
    return task;
  }

  private void run(StudyDefinition study, String planDefinitionId, String taskId, Requester requester) {
    String failure = null;
    Extraction ex = null;
    TrainingResult result = null;
    try {
      tasks.update(taskId, t -> {
        t.setStatus(Task.TaskStatus.INPROGRESS);
        t.getBusinessStatus().setText("extracting cohort");
      });
      long t0 = System.nanoTime();
      ex = extractor.extract(study, data, Instant.now());
      long t1 = System.nanoTime();
      int rows = ex.counts().included();
      tasks.update(taskId, t -> t.getBusinessStatus().setText("training on " + rows + " patients"));
      StudyParameters p = study.parameters();
      TrainingConfig config = new TrainingConfig(
          study.algorithm() == Algorithm.LINEAR_SVM ? LinearAlgorithm.LINEAR_SVM : LinearAlgorithm.LOGISTIC_REGRESSION,
          p.localEpochs(), p.learningRate(), p.seed(), p.testFraction());
      result = new LocalTrainer().train(
          new TrainingData(ex.matrix().names(), ex.matrix().values(), ex.matrix().labels()), config, null);
      LOG.info("$train Task/{}: extraction {} ms, training {} ms, {} rows", taskId,
          (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000, rows);
    } catch (Exception e) {
      failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      LOG.warn("$train Task/{} failed: {}", taskId, failure);
    }
    // The AuditEvent is written before the Task ends, so whoever sees the end also finds the record.
    try {
      audit.record(TrainingAudit.of(site, requester, planDefinitionId, taskId, "local", new Date(), failure));
    } catch (RuntimeException e) {
      LOG.error("cannot write the AuditEvent of Task/{}", taskId, e);
    }
    String reason = failure;
    CohortCounts counts = ex == null ? null : ex.counts();
    Metrics metrics = result == null ? null : result.metrics();
    try {
      tasks.update(taskId, t -> {
        if (reason == null) {
          complete(t, counts, metrics);
        } else {
          t.setStatus(Task.TaskStatus.FAILED);
          t.getStatusReason().setText(reason);
          t.getBusinessStatus().setText("failed");
        }
      });
    } catch (RuntimeException e) {
      LOG.error("cannot end Task/{}", taskId, e);
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
        new Coding(StudyUrls.CS_TRAINING_OUTPUT, code, null))).setValue(value);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
