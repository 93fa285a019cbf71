package org.fedfhir.fhir.cohort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedfhir.fhir.cohort.FeatureExtractorTest.CHOL;
import static org.fedfhir.fhir.cohort.FeatureExtractorTest.NOW;
import static org.fedfhir.fhir.cohort.FeatureExtractorTest.SBP;
import static org.fedfhir.fhir.cohort.FeatureExtractorTest.obs;
import static org.fedfhir.fhir.cohort.FeatureExtractorTest.patient;
import static org.fedfhir.fhir.cohort.FeatureExtractorTest.study;
import static org.fedfhir.fhir.cohort.FeatureExtractorTest.value;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.study.CohortCriteria;
import org.fedfhir.study.Feature;
import org.fedfhir.study.FeatureSource;
import org.fedfhir.study.MissingValuePolicy;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.study.Summary;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** One patient's extraction for {@code $infer} is the training extraction of that patient. */
class PatientFeaturesTest {
  final FeatureExtractor extractor = new FeatureExtractor(new UcumConverter());

  @Test
  void onePatientsFeaturesAreExactlyTheirTrainingRowAtEveryCentre() throws Exception {
    StudyDefinition study = new StudyParser().parse(Fixtures.study("heart-disease-lr"));
    for (HeartDiseaseCentre centre : HeartDiseaseCentre.values()) {
      InMemoryClinicalData data = Fixtures.centre(centre, LocalDate.ofInstant(NOW, ZoneOffset.UTC));
      FeatureMatrix training = extractor.extract(study, data, NOW).matrix();
      int withMissing = 0;
      for (int i = 0; i < training.rows(); i++) {
        String id = training.patientIds().get(i);
        PatientFeatures one = extractor.extractPatient(study, data, id, NOW);

        assertThat(one.status()).isEqualTo(PatientFeatures.Status.INCLUDED);
        assertThat(Arrays.equals(one.values(), training.values()[i]))
            .as("%s patient %s", centre, id).isTrue();
        withMissing += one.missing(study).isEmpty() ? 0 : 1;
      }
      assertThat(training.rows()).as("%s", centre).isGreaterThan(100);
      if (centre == HeartDiseaseCentre.SWITZERLAND) {
        assertThat(withMissing).isEqualTo(training.rows()); // no cholesterol at all
      }
    }
  }

  @Test
  void basisNamesTheObservationsReadOnlyTheLatestForLatestAndThePatientForAgeAndSex() {
    InMemoryClinicalData data = new InMemoryClinicalData()
        .add(patient("a", "1960-01-01", Enumerations.AdministrativeGender.MALE));
    Observation old = value("a", SBP, 120, "mm[Hg]", "2025-01-01");
    old.setId("sbp-old");
    Observation recent = value("a", SBP, 150, "mm[Hg]", "2026-05-01");
    recent.setId("sbp-recent");
    Observation otherPatient = value("b", SBP, 99, "mm[Hg]", "2026-05-02");
    otherPatient.setId("sbp-b");
    data.add(old).add(recent).add(otherPatient);
    Feature age = new Feature("age", FeatureSource.PATIENT_AGE, null, null, Summary.LATEST, null, false);
    StudyDefinition study = study(MissingValuePolicy.IMPUTE_MEAN, CohortCriteria.ANYONE, age,
        obs("sbp", SBP, "mm[Hg]", Summary.LATEST, null, false), obs("sbpMean", SBP, "mm[Hg]", Summary.MEAN, null, false),
        obs("chol", CHOL, "mg/dL", Summary.LATEST, null, true));

    PatientFeatures one = extractor.extractPatient(study, data, "a", NOW);

    assertThat(one.values()[1]).isEqualTo(150);
    assertThat(one.values()[2]).isEqualTo(135);
    assertThat(one.basis().get(0)).containsExactly("Patient/a");
    assertThat(one.basis().get(1)).containsExactly("Observation/sbp-recent");
    assertThat(one.basis().get(2)).containsExactlyInAnyOrder("Observation/sbp-old", "Observation/sbp-recent");
    assertThat(one.basis().get(3)).isEmpty();
    assertThat(one.blockingMissing(study)).extracting(Feature::name).containsExactly("chol");
    assertThat(one.allBasis()).doesNotContain("Observation/sbp-b");
    assertThat(one.toString()).doesNotContain("150").doesNotContain("Patient/a");
  }

  @Test
  void unknownDeniedOrOutOfCohortPatientsAreNotRead() {
    Consent deny = new Consent().setStatus(Consent.ConsentState.ACTIVE).setPatient(new Reference("Patient/a"));
    deny.addCategory().addCoding().setSystem("http://loinc.org").setCode("57016-8");
    deny.getProvision().setType(Consent.ConsentProvisionType.DENY);
    InMemoryClinicalData data = new InMemoryClinicalData()
        .add(patient("a", "1960-01-01", Enumerations.AdministrativeGender.MALE))
        .add(patient("b", "2020-01-01", Enumerations.AdministrativeGender.MALE)).add(deny);
    StudyDefinition study = study(MissingValuePolicy.DROP, new CohortCriteria(18, null, java.util.Set.of()),
        obs("sbp", SBP, "mm[Hg]", Summary.LATEST, null, false));

    assertThat(extractor.extractPatient(study, data, "a", NOW).status()).isEqualTo(PatientFeatures.Status.CONSENT_DENIED);
    assertThat(extractor.extractPatient(study, data, "b", NOW).status()).isEqualTo(PatientFeatures.Status.OUTSIDE_COHORT);
    assertThat(extractor.extractPatient(study, data, "c", NOW).status()).isEqualTo(PatientFeatures.Status.NOT_FOUND);
  }
}
