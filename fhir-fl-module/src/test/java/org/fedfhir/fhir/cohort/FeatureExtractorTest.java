package org.fedfhir.fhir.cohort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.Period;

import java.util.List;
import java.util.Set;
import org.fedfhir.study.Algorithm;
import org.fedfhir.study.CohortCriteria;
import org.fedfhir.study.Code;
import org.fedfhir.study.Feature;
import org.fedfhir.study.FeatureSource;
import org.fedfhir.study.MissingValuePolicy;
import org.fedfhir.study.StudyCore;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParameters;
import org.fedfhir.study.StudyUrls;
import org.fedfhir.study.Summary;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class FeatureExtractorTest {
  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  static final Code SBP = new Code(StudyUrls.LOINC, "8480-6");
  static final Code CHOL = new Code(StudyUrls.LOINC, "2093-3");
  static final Code CAD = new Code(StudyUrls.SNOMED, "53741008");
  final FeatureExtractor extractor = new FeatureExtractor(new UcumConverter());

  static StudyDefinition study(MissingValuePolicy policy, CohortCriteria cohort, Feature... features) {
    return new StudyDefinition.Training(new StudyCore("http://example.org/s", "1", "s", "S", "S", "active",
        StudyParameters.DEFAULTS, policy, cohort, List.of(features), Set.of(CAD)), Algorithm.LOGISTIC_REGRESSION);
  }

  static Feature obs(String name, Code code, String unit, Summary summary, Period lookback, boolean required) {
    return new Feature(name, FeatureSource.OBSERVATION, code, unit, summary, lookback, required);
  }

  static Patient patient(String id, String birth, Enumerations.AdministrativeGender g) {
    Patient p = new Patient().setGender(g);
    p.setId("Patient/" + id);
    p.setBirthDateElement(new DateType(birth));
    return p;
  }

  static Observation value(String patient, Code code, double v, String unit, String when) {
    Observation o = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().addCoding().setSystem(code.system()).setCode(code.code());
    o.setSubject(new Reference("Patient/" + patient));
    o.setEffective(new DateTimeType(when));
    o.setValue(new Quantity().setValue(v).setSystem(StudyUrls.UCUM).setCode(unit));
    return o;
  }

  static Condition cad(String patient) {
    Condition c = new Condition().setSubject(new Reference("Patient/" + patient));
    c.getCode().addCoding().setSystem(CAD.system()).setCode(CAD.code());
    return c;
  }

  InMemoryClinicalData threeReadings() {
    return new InMemoryClinicalData()
        .add(patient("a", "1960-01-01", Enumerations.AdministrativeGender.MALE))
        .add(value("a", SBP, 120, "mm[Hg]", "2025-01-01"))
        .add(value("a", SBP, 150, "mm[Hg]", "2026-05-01"))
        .add(value("a", SBP, 130, "mm[Hg]", "2024-01-01"));
  }

  double single(Summary summary, Period lookback, InMemoryClinicalData data) {
    Extraction ex = extractor.extract(study(MissingValuePolicy.IMPUTE_MEAN, CohortCriteria.ANYONE,
        obs("sbp", SBP, "mm[Hg]", summary, lookback, false)), data, NOW);
    return ex.matrix().values()[0][0];
  }

  @Test
  void severalValuesAreSummarisedAsLatestMeanMinOrMax() {
    assertThat(single(Summary.LATEST, null, threeReadings())).isEqualTo(150);
    assertThat(single(Summary.MEAN, null, threeReadings())).isCloseTo(133.333, within(1e-3));
    assertThat(single(Summary.MIN, null, threeReadings())).isEqualTo(120);
    assertThat(single(Summary.MAX, null, threeReadings())).isEqualTo(150);
  }

  @Test
  void lookbackKeepsOnlyRecentValues() {
    assertThat(single(Summary.MIN, Period.ofMonths(18), threeReadings())).isEqualTo(120);
    assertThat(single(Summary.MIN, Period.ofMonths(6), threeReadings())).isEqualTo(150);
  }

  @Test
  void componentOfAPanelCountsAsTheValue() {
    Observation panel = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    panel.getCode().addCoding().setSystem(StudyUrls.LOINC).setCode("85354-9");
    panel.setSubject(new Reference("Patient/a"));
    panel.setEffective(new DateTimeType("2026-01-01"));
    panel.addComponent().setValue(new Quantity().setValue(141).setSystem(StudyUrls.UCUM).setCode("mm[Hg]"))
        .getCode().addCoding().setSystem(SBP.system()).setCode(SBP.code());
    InMemoryClinicalData data = new InMemoryClinicalData()
        .add(patient("a", "1960-01-01", Enumerations.AdministrativeGender.MALE)).add(panel);
    assertThat(single(Summary.LATEST, null, data)).isEqualTo(141);
  }

  @Test
  void cholesterolInMmolPerLitreIsConvertedAndUnconvertibleValuesAreExcludedAndCounted() {
    InMemoryClinicalData data = new InMemoryClinicalData()
        .add(patient("a", "1960-01-01", Enumerations.AdministrativeGender.MALE))
        .add(patient("b", "1960-01-01", Enumerations.AdministrativeGender.MALE))
        .add(value("a", CHOL, 5.0, "mmol/L", "2026-01-01"))
        .add(value("b", CHOL, 5.0, "mm[Hg]", "2026-01-01"));
    Extraction ex = extractor.extract(study(MissingValuePolicy.DROP, CohortCriteria.ANYONE,
        obs("chol", CHOL, "mg/dL", Summary.LATEST, null, false)), data, NOW);
    assertThat(ex.matrix().patientIds()).containsExactly("a");
    assertThat(ex.matrix().values()[0][0]).isCloseTo(193.325, within(1e-6));
    assertThat(ex.counts().unconvertibleUnits()).isEqualTo(1);
    assertThat(ex.counts().missing()).isEqualTo(1);
  }

  @Test
  void missingValuesAreDroppedOrKeptForImputationAndCounted() {
    InMemoryClinicalData data = new InMemoryClinicalData()
        .add(patient("a", "1960-01-01", Enumerations.AdministrativeGender.MALE))
        .add(patient("b", "1970-01-01", Enumerations.AdministrativeGender.FEMALE))
        .add(value("a", SBP, 120, "mm[Hg]", "2026-01-01"));
    Feature sbp = obs("sbp", SBP, "mm[Hg]", Summary.LATEST, null, false);
    Extraction dropped = extractor.extract(study(MissingValuePolicy.DROP, CohortCriteria.ANYONE, sbp), data, NOW);
    assertThat(dropped.counts()).isEqualTo(new CohortCounts(2, 1, 0, 0, 1, 0));
    Extraction imputed = extractor.extract(study(MissingValuePolicy.IMPUTE_MEAN, CohortCriteria.ANYONE, sbp), data,
        NOW);
    assertThat(imputed.counts()).isEqualTo(new CohortCounts(2, 2, 0, 0, 1, 0));
    assertThat(imputed.matrix().values()[1][0]).isNaN();
  }

  @Test
  void requiredFeatureExcludesWhateverThePolicy() {
    InMemoryClinicalData data = new InMemoryClinicalData()
        .add(patient("a", "1960-01-01", Enumerations.AdministrativeGender.MALE))
        .add(patient("b", "1970-01-01", Enumerations.AdministrativeGender.FEMALE))
        .add(value("a", SBP, 120, "mm[Hg]", "2026-01-01"));
    Extraction ex = extractor.extract(study(MissingValuePolicy.IMPUTE_MEAN, CohortCriteria.ANYONE,
        obs("sbp", SBP, "mm[Hg]", Summary.LATEST, null, true)), data, NOW);
    assertThat(ex.counts()).isEqualTo(new CohortCounts(2, 1, 0, 1, 0, 0));
  }

  @Test
  void consentDenialAndAgeSexCriteriaExcludeAndAreCounted() {
    Consent deny = new Consent().setStatus(Consent.ConsentState.ACTIVE).setPatient(new Reference("Patient/c"));
    deny.addCategory().addCoding().setSystem(ConsentPolicy.CATEGORY_CODES).setCode("research");
    deny.getProvision().setType(Consent.ConsentProvisionType.DENY);
    InMemoryClinicalData data = new InMemoryClinicalData()
        .add(patient("a", "1960-01-01", Enumerations.AdministrativeGender.MALE))   // 66: in
        .add(patient("b", "2000-01-01", Enumerations.AdministrativeGender.MALE))   // 26: too young
        .add(patient("c", "1960-01-01", Enumerations.AdministrativeGender.MALE))   // denies research use
        .add(patient("d", "1960-01-01", Enumerations.AdministrativeGender.FEMALE)) // not male
        .add(deny).add(cad("a")).add(cad("c"));
    Feature age = new Feature("age", FeatureSource.PATIENT_AGE, null, null, Summary.LATEST, null, false);
    Feature sex = new Feature("sex", FeatureSource.PATIENT_SEX, null, null, Summary.LATEST, null, false);
    Extraction ex = extractor.extract(study(MissingValuePolicy.DROP, new CohortCriteria(40, 80, Set.of("male")),
        age, sex), data, NOW);
    assertThat(ex.matrix().patientIds()).containsExactly("a");
    assertThat(ex.matrix().values()[0]).containsExactly(66, 1);
    assertThat(ex.matrix().labels()).containsExactly(1);
    assertThat(ex.counts()).isEqualTo(new CohortCounts(4, 1, 1, 2, 0, 0));
  }

  @Test
  void enteredInErrorConditionIsNoLabelAndEnteredInErrorObservationNoValue() {
    Condition wrong = cad("a");
    wrong.getVerificationStatus().addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/condition-ver-status").setCode("entered-in-error");
    Observation bad = value("a", SBP, 999, "mm[Hg]", "2026-05-30");
    bad.setStatus(Observation.ObservationStatus.ENTEREDINERROR);
    InMemoryClinicalData data = threeReadings().add(wrong).add(bad);
    Extraction ex = extractor.extract(study(MissingValuePolicy.DROP, CohortCriteria.ANYONE,
        obs("sbp", SBP, "mm[Hg]", Summary.MAX, null, false)), data, NOW);
    assertThat(ex.matrix().labels()).containsExactly(0);
    assertThat(ex.matrix().values()[0][0]).isEqualTo(150);
  }
}
