package org.fedfhir.fhir.inference;

import org.fedfhir.fhir.audit.Requester;
import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.fedfhir.fhir.audit.InferenceAudit;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.PatientFeatures;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.study.Algorithm;
import org.fedfhir.study.Feature;
import org.fedfhir.study.InvalidStudyException;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyKind;
import org.fedfhir.study.StudyReader;
import org.fedfhir.tee.client.ServedModel;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST [site]/Patient/{id}/$infer}: resolves the study (a local, valid, approved training
 * study with a probability model), checks that a TEE and a provisioned model are configured, reads
 * the patient's features with the training extraction, refuses a patient lacking features the model
 * cannot do without, predicts in the attested TEE and builds the RiskAssessment and its Provenance
 * (contained, or both stored with {@code persist}). Every call, refused or not, writes one AuditEvent.
 *
 * <p>Nothing is logged but ids, counts and outcomes: no feature value, no probability.
 */
public final class InferenceService {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);

  /** A request: the patient, the {@code study} parameter ({@code url} or {@code url|version}), persist. */
  public record Request(String patientId, String study, boolean persist, Requester requester) {}

  private final StudyCatalog studies;
  private final StudyReader reader;
  private final SiteRecords records;
  private final FeatureExtractor extractor;
  private final ModelDirectory models;
  private final ModelService tee;
  private final String site;
  private final Clock clock;

  /**
   * @param tee the TEE model service, null if the site has none configured (501)
   * @param models which model digest serves which study
   */
  public InferenceService(StudyCatalog studies, StudyReader reader, SiteRecords records, FeatureExtractor extractor,
      ModelDirectory models, ModelService tee, String site, Clock clock) {
    this.studies = studies;
    this.reader = reader;
    this.records = records;
    this.extractor = extractor;
    this.models = models;
    this.tee = tee;
    this.site = site;
    this.clock = clock;
  }

  /** True if a TEE model service is configured. */
  public boolean isConfigured() {
    return tee != null;
  }

  /** Runs {@code $infer}; always writes the AuditEvent. */
  public InferenceResult infer(Request request) throws InferenceRefusal {
    String[] planDefinitionId = new String[1];
    long start = System.nanoTime();
    try {
      InferenceResult result = run(request, planDefinitionId);
      String stored = result.persisted() ? result.riskAssessment().getIdElement().getIdPart() : null;
      records.audit(InferenceAudit.of(site, request.requester(), planDefinitionId[0], request.patientId(), stored,
          InferenceAudit.Outcome.SUCCESS, null, Date.from(clock.instant())));
      LOG.info("$infer for PlanDefinition/{} done in {} ms{}", planDefinitionId[0],
          (System.nanoTime() - start) / 1_000_000, stored == null ? "" : ", stored as RiskAssessment/" + stored);
      return result;
    } catch (InferenceRefusal e) {
      records.audit(InferenceAudit.of(site, request.requester(), planDefinitionId[0], request.patientId(), null,
          auditOutcome(e), e.getMessage(), Date.from(clock.instant())));
      LOG.info("$infer for PlanDefinition/{} refused: {}", planDefinitionId[0], e.reason());
      throw e;
    }
  }

  /** The most patients one batch call may name (a ward list, not a cohort export). */
  public static final int MAX_BATCH = 1000;

  /**
   * Patients per call to the TEE in a batch: sealed in one envelope on its lean path; a refusal (say
   * the query budget) answers the patients of that call only.
   */
  public static final int TEE_BATCH = 100;

  /** A batch request: the patients in the caller's order, the {@code study} parameter, persist. */
  public record BatchRequest(List<String> patientIds, String study, boolean persist, Requester requester) {
    public BatchRequest {
      patientIds = List.copyOf(patientIds);
    }
  }

  /** One patient's answer in a batch: its result, or why it has none (exactly one of the two). */
  public record Answer(String patientId, InferenceResult result, InferenceRefusal refusal) {}

  /**
   * Batch {@code $infer}: the study, its approval, the model and the TEE's attestation are checked
   * once; then each patient is scored as {@link #infer} would, and a patient refused (unknown, no
   * consent, outside the cohort, missing features, the TEE's budget spent) is an answer, not a
   * failure of the call. One AuditEvent per patient; a call refused as a whole writes one.
   *
   * @throws InferenceRefusal when no patient can be scored: the request, the study or the TEE
   */
  public List<Answer> inferAll(BatchRequest request) throws InferenceRefusal {
    String[] planDefinitionId = new String[1];
    long start = System.nanoTime();
    Scoring scoring;
    try {
      if (request.patientIds().isEmpty()) {
        throw new InferenceRefusal(InferenceRefusal.Reason.INVALID_REQUEST,
            "name the patients: 'patient' (1.." + MAX_BATCH + " references) or 'group'");
      }
      if (request.patientIds().size() > MAX_BATCH) {
        throw new InferenceRefusal(InferenceRefusal.Reason.INVALID_REQUEST, request.patientIds().size()
            + " patients exceed the batch limit of " + MAX_BATCH + "; split the list");
      }
      scoring = prepare(request.study(), planDefinitionId);
      tee.attest();
    } catch (InferenceRefusal e) {
      records.audit(InferenceAudit.of(site, request.requester(), planDefinitionId[0], null, null,
          auditOutcome(e), e.getMessage(), Date.from(clock.instant())));
      LOG.info("batch $infer for PlanDefinition/{} refused: {}", planDefinitionId[0], e.reason());
      throw e;
    }
    int n = request.patientIds().size();
    PatientFeatures[] features = new PatientFeatures[n];
    InferenceRefusal[] refusals = new InferenceRefusal[n];
    List<Integer> included = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      try {
        features[i] = features(scoring, request.patientIds().get(i));
        included.add(i);
      } catch (InferenceRefusal e) {
        refusals[i] = e;
      }
    }
    ModelService.Prediction[] predictions = new ModelService.Prediction[n];
    for (int from = 0; from < included.size(); from += TEE_BATCH) {
      List<Integer> chunk = included.subList(from, Math.min(included.size(), from + TEE_BATCH));
      try {
        List<ModelService.Prediction> p = tee.predictAll(scoring.key(), scoring.model().modelDigest(),
            features[chunk.get(0)].names(), chunk.stream().map(i -> features[i].values()).toList());
        for (int k = 0; k < chunk.size(); k++) {
          predictions[chunk.get(k)] = p.get(k);
        }
      } catch (InferenceRefusal e) {
        chunk.forEach(i -> refusals[i] = e);
      }
    }
    List<Answer> answers = new ArrayList<>(n);
    int refused = 0;
    for (int i = 0; i < n; i++) {
      String patientId = request.patientIds().get(i);
      if (refusals[i] == null) {
        InferenceResult result = result(scoring, patientId, features[i], predictions[i], request.persist());
        String stored = result.persisted() ? result.riskAssessment().getIdElement().getIdPart() : null;
        records.audit(InferenceAudit.of(site, request.requester(), planDefinitionId[0], patientId, stored,
            InferenceAudit.Outcome.SUCCESS, null, Date.from(clock.instant())));
        answers.add(new Answer(patientId, result, null));
      } else {
        records.audit(InferenceAudit.of(site, request.requester(), planDefinitionId[0], patientId, null,
            auditOutcome(refusals[i]), refusals[i].getMessage(), Date.from(clock.instant())));
        answers.add(new Answer(patientId, null, refusals[i]));
        refused++;
      }
    }
    LOG.info("batch $infer for PlanDefinition/{}: {} patients, {} refused, in {} ms", planDefinitionId[0],
        answers.size(), refused, (System.nanoTime() - start) / 1_000_000);
    return answers;
  }

  /** The members of a Group of patients, in the Group's order. */
  public List<String> members(String groupId) throws InferenceRefusal {
    return records.groupMembers(groupId).orElseThrow(() -> new InferenceRefusal(
        InferenceRefusal.Reason.GROUP_NOT_FOUND, "Group/" + groupId + " is not known",
        List.of(new InferenceRefusal.Issue("Group/" + groupId + " is not known", "Parameters.parameter[group]"))));
  }

  private static InferenceAudit.Outcome auditOutcome(InferenceRefusal e) {
    return e.reason() == InferenceRefusal.Reason.ATTESTATION_FAILED
        || e.reason() == InferenceRefusal.Reason.TEE_FAILED ? InferenceAudit.Outcome.FAILED
        : InferenceAudit.Outcome.REFUSED;
  }

  private InferenceResult run(Request request, String[] planDefinitionId) throws InferenceRefusal {
    Scoring scoring = prepare(request.study(), planDefinitionId);
    return score(scoring, request.patientId(), request.persist());
  }

  /** What a call checks once, whatever the number of patients: the study, its approval, the TEE and the model. */
  private record Scoring(String planDefinitionId, StudyDefinition study, String key, ServedModel model,
      RiskBands bands, ModelPerformance performance) {}

  private Scoring prepare(String canonical, String[] planDefinitionId) throws InferenceRefusal {
    PlanDefinition pd = resolve(canonical);
    String pdId = pd.getIdElement().getIdPart();
    planDefinitionId[0] = pdId;
    StudyDefinition study;
    try {
      study = reader.read(pd);
    } catch (InvalidStudyException e) {
      List<InferenceRefusal.Issue> issues = e.issues().stream()
          .map(i -> new InferenceRefusal.Issue(i.reason(), i.location())).toList();
      throw new InferenceRefusal(InferenceRefusal.Reason.INVALID_STUDY, "PlanDefinition/" + pdId
          + " is not a valid study", issues);
    }
    if (study.kind() != StudyKind.TRAINING || study.algorithm() == Algorithm.LINEAR_SVM) {
      throw new InferenceRefusal(InferenceRefusal.Reason.INVALID_STUDY, "study " + InferenceResources.canonical(study)
          + " has no probability model: $infer needs a training study with algorithm logistic-regression or mlp");
    }
    RiskBands bands;
    try {
      bands = RiskBands.declaredBy(pd).orElse(null);
    } catch (IllegalArgumentException e) {
      throw new InferenceRefusal(InferenceRefusal.Reason.INVALID_STUDY, "PlanDefinition/" + pdId
          + " is not a valid study: " + e.getMessage());
    }
    Optional<String> notApproved = studies.whyNotApproved(pdId, StudyDigest.sha256Hex(FhirContext.forR4Cached(), pd));
    if (notApproved.isPresent()) {
      throw new InferenceRefusal(InferenceRefusal.Reason.NOT_APPROVED, notApproved.get());
    }
    if (tee == null) {
      throw new InferenceRefusal(InferenceRefusal.Reason.TEE_NOT_CONFIGURED,
          "$infer needs a TEE model service (not configured: start the hospital with --tee URL and a trusted"
              + " --tee-measurement)");
    }
    String key = InferenceResources.canonical(study);
    ServedModel model = models.forStudy(key).orElseThrow(() -> new InferenceRefusal(
        InferenceRefusal.Reason.NO_MODEL, "no model is provisioned for study " + key + " at this site's TEE"
            + " (the aggregator's provisioning record names its digest: " + models.describe() + ")"));
    return new Scoring(pdId, study, key, model, bands, records.modelPerformance(pdId));
  }

  private InferenceResult score(Scoring scoring, String patientId, boolean persist) throws InferenceRefusal {
    PatientFeatures features = features(scoring, patientId);
    ModelService.Prediction prediction = tee.predict(scoring.key(), scoring.model().modelDigest(), features.names(),
        features.values());
    return result(scoring, patientId, features, prediction, persist);
  }

  /** The patient's features, or why the patient cannot be scored (nothing is sent to the TEE then). */
  private PatientFeatures features(Scoring scoring, String patientId) throws InferenceRefusal {
    StudyDefinition study = scoring.study();
    Instant now = clock.instant();
    PatientFeatures features = extractor.extractPatient(study, records.forPatient(patientId), patientId, now);
    switch (features.status()) {
      case NOT_FOUND -> throw new InferenceRefusal(InferenceRefusal.Reason.PATIENT_NOT_FOUND,
          "Patient/" + patientId + " is not known");
      case CONSENT_DENIED -> throw new InferenceRefusal(InferenceRefusal.Reason.CONSENT_DENIED,
          "Patient/" + patientId + " has an active research Consent that denies use;"
              + " no feature was sent");
      case OUTSIDE_COHORT -> throw new InferenceRefusal(InferenceRefusal.Reason.OUTSIDE_COHORT,
          "Patient/" + patientId + " does not meet the study's cohort criteria (age, sex)");
      case INCLUDED -> { }
    }
    List<Feature> blocking = features.blockingMissing(study);
    if (!blocking.isEmpty()) {
      throw missing(patientId, study, blocking);
    }
    return features;
  }

  /** The RiskAssessment and its Provenance for a prediction (both stored with {@code persist}). */
  private InferenceResult result(Scoring scoring, String patientId, PatientFeatures features,
      ModelService.Prediction prediction, boolean persist) {
    StudyDefinition study = scoring.study();
    String pdId = scoring.planDefinitionId();
    ServedModel model = scoring.model();
    Date at = Date.from(clock.instant());
    List<Feature> imputed = features.missing(study);
    RiskAssessment ra = InferenceResources.riskAssessment(study, patientId, prediction.probability(),
        features.allBasis(), imputed, model, prediction, at);
    if (persist) {
      String raId = records.create(ra);
      ra.setId("RiskAssessment/" + raId);
      Provenance pv = InferenceResources.provenance(study, pdId, model, scoring.performance(), prediction,
          tee.baseUrl(), site, "RiskAssessment/" + raId, at);
      String pvId = records.create(pv);
      pv.setId("Provenance/" + pvId);
      return new InferenceResult(ra, pv, true, study, prediction.evidenceFormat(), scoring.bands());
    }
    Provenance pv = InferenceResources.provenance(study, pdId, model, scoring.performance(), prediction,
        tee.baseUrl(), site, "#", at);
    pv.setId("provenance");
    ra.addContained(pv);
    return new InferenceResult(ra, pv, false, study, prediction.evidenceFormat(), scoring.bands());
  }

  private PlanDefinition resolve(String canonical) throws InferenceRefusal {
    if (canonical == null || canonical.isBlank()) {
      throw new InferenceRefusal(InferenceRefusal.Reason.INVALID_REQUEST,
          "parameter 'study' (canonical url or url|version of the study) is required",
          List.of(new InferenceRefusal.Issue("parameter 'study' is required", "Parameters.parameter[study]")));
    }
    int bar = canonical.indexOf('|');
    String url = bar < 0 ? canonical : canonical.substring(0, bar);
    String version = bar < 0 ? null : canonical.substring(bar + 1);
    List<PlanDefinition> found = new ArrayList<>(studies.find(url, version));
    if (found.isEmpty()) {
      throw new InferenceRefusal(InferenceRefusal.Reason.STUDY_NOT_FOUND, "no PlanDefinition " + canonical
          + " at this site", List.of(new InferenceRefusal.Issue("no PlanDefinition " + canonical + " at this site",
          "Parameters.parameter[study]")));
    }
    if (found.size() > 1) {
      throw new InferenceRefusal(InferenceRefusal.Reason.INVALID_REQUEST, found.size() + " PlanDefinitions match "
          + canonical + " (versions " + found.stream().map(PlanDefinition::getVersion).toList()
          + "); name the study as url|version",
          List.of(new InferenceRefusal.Issue("ambiguous study " + canonical, "Parameters.parameter[study]")));
    }
    return found.get(0);
  }

  private static InferenceRefusal missing(String patientId, StudyDefinition study, List<Feature> blocking) {
    List<InferenceRefusal.Issue> issues = new ArrayList<>();
    for (Feature f : blocking) {
      int j = study.features().indexOf(f);
      String what = switch (f.source()) {
        case OBSERVATION -> "an Observation " + f.code()
            + Optional.ofNullable(f.unit()).map(u -> " (" + u + ")").orElse("")
            + Optional.ofNullable(f.lookback()).map(l -> " within " + l).orElse("");
        case CONDITION -> "Condition " + f.code();
        case PATIENT_AGE -> "Patient.birthDate";
        case PATIENT_SEX -> "Patient.gender (male or female)";
      };
      issues.add(new InferenceRefusal.Issue("feature '" + f.name() + "': no value (needs " + what + ")"
          + (f.required() ? "; the study requires it" : "; the study drops patients with a missing value"),
          "PlanDefinition.action[0].input[" + j + "]"));
    }
    String names = String.join(", ", blocking.stream().map(Feature::name).toList());
    return new InferenceRefusal(InferenceRefusal.Reason.MISSING_FEATURES, "Patient/" + patientId + " lacks "
        + blocking.size() + " feature(s) the model needs: " + names, issues);
  }
}
