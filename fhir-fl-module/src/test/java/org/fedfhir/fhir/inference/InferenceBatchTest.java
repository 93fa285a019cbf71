package org.fedfhir.fhir.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.study.Code;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Batch {@code $infer} on plain objects: a ward list scored in one call, as the single calls would score it. */
class InferenceBatchTest {
  static final Requester CLINICIAN = Requester.anonymous("127.0.0.1");
  static final String CHOLESTEROL = "2093-3";
  static InMemoryClinicalData cleveland;
  static List<String> ward;

  @BeforeAll
  static void data() {
    cleveland = InferenceFixtures.centre(HeartDiseaseCentre.CLEVELAND);
    ward = cleveland.patients().stream().limit(40).map(p -> p.getIdElement().getIdPart()).toList();
  }

  static InferenceService.BatchRequest batch(List<String> patients) {
    return new InferenceService.BatchRequest(patients, InferenceFixtures.STUDY_URL, false, CLINICIAN);
  }

  static double probability(InferenceResult r) {
    return r.riskAssessment().getPredictionFirstRep().getProbabilityDecimalType().getValue().doubleValue();
  }

  @Test
  void aBatchOfAWardListGivesEachPatientTheRiskOfTheSingleCallInOrderAttestingOnce() throws Exception {
    InferenceFixtures.ClearModel tee = new InferenceFixtures.ClearModel();
    InferenceFixtures.Site site = new InferenceFixtures.Site(cleveland);
    InferenceService service = InferenceFixtures.service(site, tee);

    List<InferenceService.Answer> answers = service.inferAll(batch(ward));

    assertThat(answers).extracting(InferenceService.Answer::patientId).containsExactlyElementsOf(ward);
    assertThat(tee.attestations).hasValue(1);
    assertThat(site.audits).hasSize(ward.size()).allMatch(a -> a.getOutcome() == AuditEvent.AuditEventOutcome._0);
    for (InferenceService.Answer a : answers) {
      InferenceResult single = service.infer(new InferenceService.Request(a.patientId(), InferenceFixtures.STUDY_URL,
          false, CLINICIAN));
      assertThat(a.refusal()).isNull();
      assertThat(probability(a.result())).as(a.patientId()).isCloseTo(probability(single), within(1e-9));
      assertThat(a.result().riskAssessment().getSubject().getReference()).isEqualTo("Patient/" + a.patientId());
    }
  }

  @Test
  void aPatientMissingARequiredFeatureOrUnknownIsARefusedAnswerAndTheOthersAreScored() throws Exception {
    PlanDefinition required = InferenceFixtures.studyRequiringCholesterol();
    String noCholesterol = ward.get(2);
    InferenceFixtures.Site site = new InferenceFixtures.Site(cleveland) {
      @Override
      public List<PlanDefinition> find(String url, String version) {
        return List.of(required);
      }

      @Override
      public ClinicalDataSource forPatient(String patientId) {
        ClinicalDataSource one = super.forPatient(patientId);
        return patientId.equals(noCholesterol) ? withoutCholesterol(one) : one;
      }
    };
    InferenceFixtures.ClearModel tee = new InferenceFixtures.ClearModel();
    List<String> patients = new ArrayList<>(ward.subList(0, 5));
    patients.add("no-such-patient");

    List<InferenceService.Answer> answers = InferenceFixtures.service(site, tee).inferAll(batch(patients));

    assertThat(answers).hasSize(6);
    assertThat(answers.get(2).result()).isNull();
    assertThat(answers.get(2).refusal().reason()).isEqualTo(InferenceRefusal.Reason.MISSING_FEATURES);
    assertThat(answers.get(2).refusal().outcome().getIssueFirstRep().getDiagnostics()).contains("'chol'");
    assertThat(answers.get(5).refusal().reason()).isEqualTo(InferenceRefusal.Reason.PATIENT_NOT_FOUND);
    assertThat(answers).filteredOn(a -> a.result() != null).hasSize(4);
    assertThat(tee.predictions).as("nothing sent for the refused patients").hasValue(4);
    assertThat(site.audits).hasSize(6);
    assertThat(site.audits.get(2).getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
  }

  @Test
  void aGroupIsScoredAsItsMembersAndAnUnknownGroupIsRefused() throws Exception {
    InferenceFixtures.Site site = new InferenceFixtures.Site(cleveland);
    site.groups.put("ward-3", ward.subList(0, 3));
    InferenceService service = InferenceFixtures.service(site, new InferenceFixtures.ClearModel());

    assertThat(service.inferAll(batch(service.members("ward-3")))).extracting(InferenceService.Answer::patientId)
        .containsExactlyElementsOf(ward.subList(0, 3));
    assertThatThrownBy(() -> service.members("ward-9")).isInstanceOfSatisfying(InferenceRefusal.class,
        e -> assertThat(e.reason()).isEqualTo(InferenceRefusal.Reason.GROUP_NOT_FOUND));
  }

  @Test
  void theCallIsRefusedAsAWholeWhenTheStudyOrTheTeeFailsOrTheListIsEmptyOrTooLong() {
    InferenceFixtures.Site unapproved = new InferenceFixtures.Site(cleveland);
    unapproved.approved = false;
    InferenceFixtures.ClearModel tee = new InferenceFixtures.ClearModel();
    assertThatThrownBy(() -> InferenceFixtures.service(unapproved, tee).inferAll(batch(ward)))
        .isInstanceOfSatisfying(InferenceRefusal.class,
            e -> assertThat(e.reason()).isEqualTo(InferenceRefusal.Reason.NOT_APPROVED));
    assertThat(unapproved.audits).singleElement()
        .satisfies(a -> assertThat(a.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4));

    ModelService failing = new InferenceFixtures.ClearModel() {
      @Override
      public void attest() throws InferenceRefusal {
        throw new InferenceRefusal(InferenceRefusal.Reason.ATTESTATION_FAILED, "measurement not trusted");
      }
    };
    assertThatThrownBy(() -> InferenceFixtures.service(new InferenceFixtures.Site(cleveland), failing)
        .inferAll(batch(ward))).isInstanceOfSatisfying(InferenceRefusal.class,
            e -> assertThat(e.reason()).isEqualTo(InferenceRefusal.Reason.ATTESTATION_FAILED));

    InferenceService service = InferenceFixtures.service(new InferenceFixtures.Site(cleveland), tee);
    assertThatThrownBy(() -> service.inferAll(batch(List.of()))).isInstanceOfSatisfying(InferenceRefusal.class,
        e -> assertThat(e.reason()).isEqualTo(InferenceRefusal.Reason.INVALID_REQUEST));
    List<String> tooMany = java.util.Collections.nCopies(InferenceService.MAX_BATCH + 1, ward.get(0));
    assertThatThrownBy(() -> service.inferAll(batch(tooMany))).isInstanceOfSatisfying(InferenceRefusal.class,
        e -> assertThat(e.getMessage()).contains("exceed the batch limit of " + InferenceService.MAX_BATCH));
    assertThat(tee.predictions).hasValue(0);
  }

  /** The patient's record with every cholesterol Observation taken out. */
  static ClinicalDataSource withoutCholesterol(ClinicalDataSource one) {
    return new ClinicalDataSource() {
      @Override
      public List<Patient> patients() {
        return one.patients();
      }

      @Override
      public List<Consent> consents() {
        return one.consents();
      }

      @Override
      public void observations(Code code, Consumer<Observation> sink) {
        one.observations(code, o -> {
          if (!isCholesterol(o)) {
            sink.accept(o);
          }
        });
      }

      @Override
      public void conditions(Collection<Code> codes, Consumer<Condition> sink) {
        one.conditions(codes, sink);
      }

      @Override
      public void records(Consumer<Observation> observations, Consumer<Condition> conditions) {
        one.records(o -> {
          if (!isCholesterol(o)) {
            observations.accept(o);
          }
        }, conditions);
      }
    };
  }

  static boolean isCholesterol(Observation o) {
    return o.getCode().getCoding().stream().anyMatch(c -> CHOLESTEROL.equals(c.getCode()));
  }
}
