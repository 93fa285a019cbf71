package org.fedfhir.fhir.inference;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import org.fedfhir.study.Code;
import org.fedfhir.study.Feature;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyUrls;
import org.fedfhir.tee.client.ServedModel;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.hl7.fhir.r4.model.UnsignedIntType;

/**
 * Builds {@code $infer}'s resources as docs/study-format.md and the guide's profiles describe them:
 * the {@code FederatedRiskAssessment} and its {@code FederatedModelProvenance} (study, site count,
 * round, the model's digest and the enclave's measurement).
 */
public final class InferenceResources {

  public static final String EXT_STUDY = StudyUrls.BASE + "/StructureDefinition/study";
  public static final String EXT_SITE_COUNT = StudyUrls.BASE + "/StructureDefinition/site-count";
  public static final String EXT_MODEL_ROUND = StudyUrls.BASE + "/StructureDefinition/model-round";
  /** Provenance: the network's final accuracy and this site's test AUC of the model ({@link ModelPerformance}). */
  public static final String EXT_MODEL_PERFORMANCE = StudyUrls.BASE + "/StructureDefinition/model-performance";
  public static final String PROFILE_RISK = StudyUrls.BASE + "/StructureDefinition/FederatedRiskAssessment";
  public static final String PROFILE_PROVENANCE = StudyUrls.BASE + "/StructureDefinition/FederatedModelProvenance";
  /** Identifier system of a model's SHA-256 digest (of its {@code ModelCodec} encoding). */
  public static final String MODEL_DIGEST_SYSTEM = StudyUrls.BASE + "/sid/model-sha256";
  /** Identifier system of a TEE's attested measurement. */
  public static final String MEASUREMENT_SYSTEM = StudyUrls.BASE + "/sid/tee-measurement";

  private InferenceResources() {}

  /** The study's canonical with version, {@code url|version}. */
  public static String canonical(StudyDefinition study) {
    return study.url() + "|" + study.version();
  }

  /**
   * The RiskAssessment.
   *
   * @param basis the resources the features were read from ({@code Observation/…}, …)
   * @param imputed features that were missing and took the model's mean
   */
  public static RiskAssessment riskAssessment(StudyDefinition study, String patientId, double probability,
      List<String> basis, List<Feature> imputed, ServedModel model, ModelService.Prediction prediction,
      Date occurrence) {
    RiskAssessment ra = new RiskAssessment();
    ra.getMeta().addProfile(PROFILE_RISK);
    ra.addExtension(EXT_STUDY, new CanonicalType(canonical(study)));
    ra.setStatus(RiskAssessment.RiskAssessmentStatus.FINAL);
    ra.setSubject(new Reference("Patient/" + patientId));
    ra.setOccurrence(new DateTimeType(occurrence));
    ra.getMethod().addCoding(new Coding(StudyUrls.CS_ALGORITHM, study.algorithm().code(), display(study)));
    ra.addBasis(new Reference("Patient/" + patientId));
    basis.stream().filter(b -> !b.equals("Patient/" + patientId)).forEach(b -> ra.addBasis(new Reference(b)));
    RiskAssessment.RiskAssessmentPredictionComponent p = ra.addPrediction();
    Code label = study.labelCodes().stream().min(Comparator.comparing(Code::toString)).orElseThrow();
    p.getOutcome().addCoding(new Coding(label.system(), label.code(), null));
    p.setProbability(new DecimalType(BigDecimal.valueOf(probability)));
    p.setRationale("Federated " + display(study).toLowerCase(java.util.Locale.ROOT) + " (" + canonical(study) + ", "
        + model.siteCount() + " sites, round " + model.round() + "), computed in an attested TEE ("
        + prediction.evidenceFormat() + " evidence) on sealed features");
    if (!imputed.isEmpty()) {
      ra.addNote().setText("Missing, the network's mean was used: "
          + String.join(", ", imputed.stream().map(Feature::name).toList()));
    }
    return ra;
  }

  private static String display(StudyDefinition study) {
    return switch (study.algorithm()) {
      case LOGISTIC_REGRESSION -> "Logistic regression";
      case LINEAR_SVM -> "Linear SVM";
      case MLP -> "Neural network";
    };
  }

  /**
   * The Provenance of a RiskAssessment.
   *
   * @param target the RiskAssessment ({@code RiskAssessment/{id}}, or {@code #} when contained in it)
   * @param planDefinitionId the site's PlanDefinition of the study
   * @param performance what the site's completed TrainingTask says of the model (left out where unknown)
   * @param serviceUrl the TEE model service's base URL
   */
  public static Provenance provenance(StudyDefinition study, String planDefinitionId, ServedModel model,
      ModelPerformance performance, ModelService.Prediction prediction, String serviceUrl, String site, String target,
      Date recorded) {
    Provenance pv = new Provenance();
    pv.getMeta().addProfile(PROFILE_PROVENANCE);
    pv.addExtension(EXT_STUDY, new CanonicalType(canonical(study)));
    pv.addExtension(EXT_SITE_COUNT, new PositiveIntType(model.siteCount()));
    pv.addExtension(EXT_MODEL_ROUND, new UnsignedIntType(model.round()));
    if (Double.isFinite(performance.networkAccuracy()) || Double.isFinite(performance.siteAuc())) {
      org.hl7.fhir.r4.model.Extension p = pv.addExtension().setUrl(EXT_MODEL_PERFORMANCE);
      if (Double.isFinite(performance.networkAccuracy())) {
        p.addExtension("networkAccuracy", new org.hl7.fhir.r4.model.DecimalType(performance.networkAccuracy()));
      }
      if (Double.isFinite(performance.siteAuc())) {
        p.addExtension("siteAuc", new org.hl7.fhir.r4.model.DecimalType(performance.siteAuc()));
      }
    }
    pv.addTarget(new Reference(target));
    pv.setRecorded(recorded);
    Provenance.ProvenanceAgentComponent tee = pv.addAgent();
    tee.getType().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/provenance-participant-type",
        "assembler", "Assembler"));
    tee.getWho().setDisplay("FedFHIR TEE model service at " + serviceUrl + " (" + prediction.evidenceFormat()
        + " evidence)").setIdentifier(new Identifier().setSystem(MEASUREMENT_SYSTEM).setValue(prediction.measurement()));
    Provenance.ProvenanceAgentComponent caller = pv.addAgent();
    caller.getType().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/provenance-participant-type",
        "custodian", "Custodian"));
    caller.getWho().setDisplay("FedFHIR plugin at " + site);
    pv.addEntity().setRole(Provenance.ProvenanceEntityRole.DERIVATION)
        .setWhat(new Reference("PlanDefinition/" + planDefinitionId).setDisplay(canonical(study)));
    pv.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
        .setWhat(new Reference().setIdentifier(new Identifier().setSystem(MODEL_DIGEST_SYSTEM)
            .setValue(model.modelDigest())).setDisplay("model SHA-256 " + model.modelDigest()));
    return pv;
  }
}
