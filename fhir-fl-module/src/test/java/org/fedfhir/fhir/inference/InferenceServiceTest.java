package org.fedfhir.fhir.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fedfhir.fhir.inference.InferenceFixtures.CLOCK;
import static org.fedfhir.fhir.inference.InferenceFixtures.DIGEST;
import static org.fedfhir.fhir.inference.InferenceFixtures.MEASUREMENT;
import static org.fedfhir.fhir.inference.InferenceFixtures.NOW;
import static org.fedfhir.fhir.inference.InferenceFixtures.STUDY;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.FeatureMatrix;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.study.StudyReader;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.tee.client.ServedModel;
import org.fedfhir.tee.model.LinearModel;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code $infer} on plain objects: a stand-in model service computing the same model in the clear. */
class InferenceServiceTest {
  static final LinearModel MODEL = InferenceFixtures.model();
  static final ServedModel SERVED = new ServedModel(STUDY, DIGEST, 4, 22, MEASUREMENT);
  static InMemoryClinicalData cleveland;
  static InMemoryClinicalData switzerland;
  static StudyDefinition study;
  static FeatureMatrix clevelandRows;

  /** Computes the model in the clear and remembers what it was asked. */
  static final class ClearModel implements ModelService {
    final List<double[]> calls = new ArrayList<>();

    @Override
    public String baseUrl() {
      return "http://tee.example/fhir";
    }

    @Override
    public Prediction predict(String s, String digest, List<String> names, double[] values) {
      assertThat(s).isEqualTo(STUDY);
      assertThat(digest).isEqualTo(DIGEST);
      assertThat(names).isEqualTo(MODEL.featureNames());
      calls.add(values);
      return new Prediction(MODEL.predict(values), "simulated", MEASUREMENT);
    }
  }

  @BeforeAll
  static void data() throws Exception {
    cleveland = InferenceFixtures.centre(HeartDiseaseCentre.CLEVELAND);
    switzerland = InferenceFixtures.centre(HeartDiseaseCentre.SWITZERLAND);
    study = new StudyParser().parse(InferenceFixtures.study());
    clevelandRows = new FeatureExtractor(new UcumConverter()).extract(study, cleveland, NOW).matrix();
  }

  static InferenceService service(InferenceFixtures.Site site, ModelService tee) {
    return new InferenceService(site, new StudyReader(), site, new FeatureExtractor(new UcumConverter()),
        ModelDirectory.of(Map.of(STUDY, SERVED)), tee, "cleveland", CLOCK);
  }

  static InferenceService.Request request(String patient, boolean persist) {
    return new InferenceService.Request(patient, InferenceFixtures.STUDY_URL, persist, org.fedfhir.fhir.audit.Requester.anonymous("127.0.0.1"));
  }

  @Test
  void riskIsTheModelOfThePatientsTrainingRowWithBasisMethodAndContainedProvenance() throws Exception {
    InferenceFixtures.Site site = new InferenceFixtures.Site(cleveland);
    ClearModel tee = new ClearModel();
    String patient = clevelandRows.patientIds().get(7);

    RiskAssessment ra = service(site, tee).infer(request(patient, false)).riskAssessment();

    assertThat(tee.calls).hasSize(1);
    assertThat(tee.calls.get(0)).containsExactly(clevelandRows.values()[7]);
    assertThat(ra.getPredictionFirstRep().getProbabilityDecimalType().getValue().doubleValue())
        .isEqualTo(MODEL.predict(clevelandRows.values()[7]));
    assertThat(ra.getSubject().getReference()).isEqualTo("Patient/" + patient);
    assertThat(ra.getMethod().getCodingFirstRep().getCode()).isEqualTo("logistic-regression");
    assertThat(ra.getBasis()).extracting(Reference::getReference)
        .startsWith("Patient/" + patient).hasSize(1 + 8); // age and sex from the Patient, 8 Observations
    assertThat(ra.getPredictionFirstRep().getOutcome().getCodingFirstRep().getCode()).isEqualTo("53741008");
    Provenance pv = (Provenance) ra.getContained().get(0);
    assertThat(pv.getTargetFirstRep().getReference()).isEqualTo("#");
    assertThat(pv.getEntity()).anyMatch(e -> DIGEST.equals(e.getWhat().getIdentifier().getValue()));
    assertThat(site.stored).isEmpty();
    assertThat(site.audits).singleElement().satisfies(a -> {
      assertThat(a.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
      assertThat(a.getEntity()).extracting(e -> e.getWhat().getReference())
          .containsExactly("PlanDefinition/heart-disease-lr", "Patient/" + patient);
    });
  }

  @Test
  void theProvenanceCarriesTheNetworksAccuracyAndTheSitesAucFromTheCompletedTrainingTaskAndOnlyWhatIsKnown()
      throws Exception {
    InferenceFixtures.Site site = new InferenceFixtures.Site(cleveland) {
      @Override
      public ModelPerformance modelPerformance(String planDefinitionId) {
        return planDefinitionId.equals("heart-disease-lr") ? new ModelPerformance(0.842, Double.NaN)
            : ModelPerformance.UNKNOWN;
      }
    };

    org.hl7.fhir.r4.model.Provenance pv = service(site, new ClearModel())
        .infer(request(clevelandRows.patientIds().get(0), false)).provenance();

    Extension performance = pv.getExtensionByUrl(InferenceResources.EXT_MODEL_PERFORMANCE);
    assertThat(performance.getExtensionByUrl("networkAccuracy").getValue())
        .isInstanceOfSatisfying(org.hl7.fhir.r4.model.DecimalType.class, d -> assertThat(d.getValue()).isEqualByComparingTo("0.842"));
    assertThat(performance.getExtensionByUrl("siteAuc")).as("not known: left out").isNull();
    assertThat(service(new InferenceFixtures.Site(cleveland), new ClearModel())
        .infer(request(clevelandRows.patientIds().get(0), false)).provenance()
        .getExtensionByUrl(InferenceResources.EXT_MODEL_PERFORMANCE)).as("no completed Task: nothing claimed").isNull();
  }

  @Test
  void aStudysDeclaredRiskBandsComeWithTheResultAndInvalidOnesAreRefused() throws Exception {
    PlanDefinition banded = InferenceFixtures.study();
    Extension bands = banded.addExtension().setUrl(RiskBands.EXTENSION);
    bands.addExtension("low", new org.hl7.fhir.r4.model.DecimalType("0.3"));
    bands.addExtension("high", new org.hl7.fhir.r4.model.DecimalType("0.7"));
    InferenceFixtures.Site site = new InferenceFixtures.Site(cleveland) {
      @Override
      public List<PlanDefinition> find(String url, String version) {
        return List.of(banded);
      }
    };

    InferenceResult result = service(site, new ClearModel()).infer(request(clevelandRows.patientIds().get(0), false));

    assertThat(result.studyBands()).isEqualTo(new RiskBands(0.3, 0.7));
    assertThat(service(new InferenceFixtures.Site(cleveland), new ClearModel())
        .infer(request(clevelandRows.patientIds().get(0), false)).bands(new RiskBands(0.2, 0.5)))
        .as("no bands declared: the site's").isEqualTo(new RiskBands(0.2, 0.5));

    bands.getExtensionByUrl("high").setValue(new org.hl7.fhir.r4.model.DecimalType("0.25"));
    assertThatThrownBy(() -> service(site, new ClearModel()).infer(request(clevelandRows.patientIds().get(0), false)))
        .isInstanceOfSatisfying(InferenceRefusal.class, e -> assertThat(e.status()).isEqualTo(422))
        .hasMessageContaining("risk bands low 0.3, high 0.25 must be two risks with 0 < low < high < 1");
  }

  @Test
  void persistStoresTheRiskAssessmentAndItsProvenance() throws Exception {
    InferenceFixtures.Site site = new InferenceFixtures.Site(cleveland);

    InferenceResult result = service(site, new ClearModel())
        .infer(request(clevelandRows.patientIds().get(0), true));

    assertThat(result.persisted()).isTrue();
    assertThat(site.stored).containsKeys("RiskAssessment/1", "Provenance/2");
    assertThat(result.riskAssessment().getContained()).isEmpty();
    assertThat(result.provenance().getTargetFirstRep().getReference()).isEqualTo("RiskAssessment/1");
    assertThat(site.audits.get(0).getEntity()).extracting(e -> e.getWhat().getReference())
        .contains("RiskAssessment/1");
  }

  @Test
  void aPatientLackingFeaturesTheStudyCannotImputeGetsThemListedAndNothingIsSent() {
    PlanDefinition drop = InferenceFixtures.study();
    drop.getExtensionByUrl("http://fedfhir.org/fhir/StructureDefinition/missing-value-policy")
        .setValue(new org.hl7.fhir.r4.model.CodeType("drop"));
    InferenceFixtures.Site site = new InferenceFixtures.Site(switzerland) {
      @Override
      public List<PlanDefinition> find(String url, String version) {
        return List.of(drop);
      }
    };
    drop.setId("heart-disease-lr");
    ClearModel tee = new ClearModel();
    String patient = switzerland.patients().get(0).getIdElement().getIdPart();

    assertThatThrownBy(() -> service(site, tee).infer(request(patient, false)))
        .isInstanceOfSatisfying(InferenceRefusal.class, e -> {
          assertThat(e.reason()).isEqualTo(InferenceRefusal.Reason.MISSING_FEATURES);
          assertThat(e.reason().status()).isEqualTo(422);
          OperationOutcome oo = e.outcome();
          assertThat(oo.getIssue()).anySatisfy(i -> {
            assertThat(i.getDiagnostics()).startsWith("feature 'chol': no value");
            assertThat(i.getExpression().get(0).getValue()).isEqualTo("PlanDefinition.action[0].input[4]");
          });
          assertThat(oo.getIssue()).allMatch(i -> i.getCode() == OperationOutcome.IssueType.REQUIRED);
        });
    assertThat(tee.calls).isEmpty();
    assertThat(site.audits).singleElement()
        .satisfies(a -> assertThat(a.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4));
  }

  @Test
  void aRequiredFeatureIsRefusedEvenWhenTheStudyImputesAndOtherMissingValuesTakeTheMean() throws Exception {
    PlanDefinition required = InferenceFixtures.study();
    required.getAction().get(0).getInput().get(4).getExtensionByUrl("http://fedfhir.org/fhir/StructureDefinition/feature")
        .addExtension(new Extension("required", new BooleanType(true)));
    InferenceFixtures.Site site = new InferenceFixtures.Site(switzerland) {
      @Override
      public List<PlanDefinition> find(String url, String version) {
        return List.of(required);
      }
    };
    required.setId("heart-disease-lr");
    String patient = switzerland.patients().get(0).getIdElement().getIdPart();

    assertThatThrownBy(() -> service(site, new ClearModel()).infer(request(patient, false)))
        .isInstanceOfSatisfying(InferenceRefusal.class, e -> assertThat(e.issues())
            .singleElement().satisfies(i -> assertThat(i.diagnostics()).contains("'chol'", "requires it")));

    ClearModel tee = new ClearModel();
    RiskAssessment imputed = service(new InferenceFixtures.Site(switzerland), tee).infer(request(patient, false))
        .riskAssessment();
    assertThat(tee.calls.get(0)[4]).isNaN();
    assertThat(imputed.getNoteFirstRep().getText()).contains("chol").doesNotContainPattern("\\d");
  }

  @Test
  void refusalsBeforeAnyPatientDataIsRead() {
    InferenceFixtures.Site unapproved = new InferenceFixtures.Site(cleveland);
    unapproved.approved = false;
    String patient = clevelandRows.patientIds().get(0);
    assertThatThrownBy(() -> service(unapproved, new ClearModel()).infer(request(patient, false)))
        .isInstanceOfSatisfying(InferenceRefusal.class,
            e -> assertThat(e.reason()).isEqualTo(InferenceRefusal.Reason.NOT_APPROVED));
    assertThatThrownBy(() -> service(new InferenceFixtures.Site(cleveland), null).infer(request(patient, false)))
        .isInstanceOfSatisfying(InferenceRefusal.class, e -> {
          assertThat(e.reason()).isEqualTo(InferenceRefusal.Reason.TEE_NOT_CONFIGURED);
          assertThat(e.reason().status()).isEqualTo(501);
        });
    InferenceService noModel = new InferenceService(new InferenceFixtures.Site(cleveland), new StudyReader(),
        new InferenceFixtures.Site(cleveland), new FeatureExtractor(new UcumConverter()), ModelDirectory.of(Map.of()),
        new ClearModel(), "cleveland", CLOCK);
    assertThatThrownBy(() -> noModel.infer(request(patient, false))).isInstanceOfSatisfying(InferenceRefusal.class,
        e -> assertThat(e.reason()).isEqualTo(InferenceRefusal.Reason.NO_MODEL));
    assertThatThrownBy(() -> service(new InferenceFixtures.Site(cleveland), new ClearModel())
        .infer(new InferenceService.Request(patient, "http://example.org/other", false, org.fedfhir.fhir.audit.Requester.anonymous("127.0.0.1"))))
        .isInstanceOfSatisfying(InferenceRefusal.class,
            e -> assertThat(e.reason()).isEqualTo(InferenceRefusal.Reason.STUDY_NOT_FOUND));
    assertThatThrownBy(() -> service(new InferenceFixtures.Site(cleveland), new ClearModel())
        .infer(request("no-such-patient", false))).isInstanceOfSatisfying(InferenceRefusal.class,
            e -> assertThat(e.reason()).isEqualTo(InferenceRefusal.Reason.PATIENT_NOT_FOUND));
  }

  @Test
  void riskAssessmentProvenanceAndAuditEventConformToTheGuide() throws Exception {
    FedFhirIg ig = FedFhirIg.load(Fixtures.CTX);
    InferenceFixtures.Site site = new InferenceFixtures.Site(cleveland);
    InferenceService service = service(site, new ClearModel());

    RiskAssessment contained = service.infer(request(clevelandRows.patientIds().get(3), false)).riskAssessment();
    InferenceResult stored = service.infer(request(clevelandRows.patientIds().get(4), true));

    assertNoErrors(ig.validate(contained, FedFhirIg.FEDERATED_RISK_ASSESSMENT));
    assertNoErrors(ig.validate(stored.riskAssessment(), FedFhirIg.FEDERATED_RISK_ASSESSMENT));
    assertNoErrors(ig.validate(stored.provenance(), FedFhirIg.FEDERATED_MODEL_PROVENANCE));
    for (AuditEvent audit : site.audits) {
      assertNoErrors(ig.validate(audit, FedFhirIg.FEDFHIR_AUDIT_EVENT));
      String json = Fixtures.CTX.newJsonParser().encodeResourceToString(audit);
      assertThat(json).doesNotContain("probability").doesNotContain(Double.toString(clevelandRows.values()[3][3]));
    }
  }

  private static void assertNoErrors(OperationOutcome oo) {
    assertThat(FedFhirIg.hasErrors(oo)).as(() -> Fixtures.CTX.newJsonParser().setPrettyPrint(true)
        .encodeResourceToString(oo)).isFalse();
  }
}
