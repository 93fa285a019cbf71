package org.fedfhir.fhir.loader;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.SplittableRandom;
import java.util.UUID;
import org.fedfhir.study.StudyUrls;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;

/**
 * A seeded synthetic cohort in the heart-disease coding of {@code docs/study-format.md}, for the
 * extraction benchmark: per patient 10 Observations (3 systolic pressures at different dates, one
 * cholesterol — a tenth of them in mmol/L — and one each of cp, fbs, restecg, thalach, exang,
 * oldpeak) and a coronary-disease Condition drawn from a logistic model of the values. Same seed,
 * same cohort.
 */
public final class SyntheticCohort {
  private final SplittableRandom rng;
  private final LocalDate today;
  private int next;

  public SyntheticCohort(long seed, LocalDate today) {
    this.rng = new SplittableRandom(seed);
    this.today = today;
  }

  /** The next {@code patients} patients as one transaction bundle. */
  public Bundle transaction(int patients) {
    Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < patients; i++) {
      addPatient(b);
    }
    return b;
  }

  private void addPatient(Bundle b) {
    int n = next++;
    String patientUrl = "urn:uuid:" + new UUID(0x5eed, n);
    boolean male = rng.nextDouble() < 0.6;
    int age = 30 + rng.nextInt(50);
    Patient p = new Patient();
    p.addIdentifier().setSystem(StudyUrls.BASE + "/NamingSystem/synthetic-patient").setValue("s" + n);
    p.setGender(male ? Enumerations.AdministrativeGender.MALE : Enumerations.AdministrativeGender.FEMALE);
    p.setBirthDateElement(new DateType(today.minusYears(age + 1L).plusDays(1).toString()));
    add(b, p, patientUrl);
    double sbp = 110 + 0.5 * age + 15 * rng.nextGaussian();
    for (int k = 0; k < 3; k++) {
      obs(b, patientUrl, StudyUrls.LOINC, "8480-6", quantity(sbp + 8 * rng.nextGaussian(), "mm[Hg]"), 400 * k);
    }
    double chol = 200 + 40 * rng.nextGaussian();
    obs(b, patientUrl, StudyUrls.LOINC, "2093-3", rng.nextDouble() < 0.1
        ? quantity(chol / 38.665, "mmol/L") : quantity(chol, "mg/dL"), 10);
    int cp = 1 + rng.nextInt(4);
    obs(b, patientUrl, StudyUrls.CS_HEART_DISEASE, "chest-pain-type", new IntegerType(cp), 10);
    obs(b, patientUrl, StudyUrls.CS_HEART_DISEASE, "fasting-glucose-over-120", new BooleanType(rng.nextDouble() < 0.15),
        10);
    obs(b, patientUrl, StudyUrls.CS_HEART_DISEASE, "resting-ecg", new IntegerType(rng.nextInt(3)), 10);
    double thalach = 200 - 0.8 * age + 15 * rng.nextGaussian();
    obs(b, patientUrl, StudyUrls.CS_HEART_DISEASE, "max-heart-rate", quantity(thalach, "/min"), 10);
    boolean exang = rng.nextDouble() < 0.3;
    obs(b, patientUrl, StudyUrls.CS_HEART_DISEASE, "exercise-angina", new BooleanType(exang), 10);
    double oldpeak = Math.max(0, 1 + rng.nextGaussian());
    obs(b, patientUrl, StudyUrls.CS_HEART_DISEASE, "st-depression", quantity(oldpeak, "mm"), 10);

    double z = -4 + 0.04 * age + (male ? 0.8 : 0) + (cp == 4 ? 1.2 : 0) + (exang ? 1 : 0) + 0.6 * oldpeak
        - 0.01 * (thalach - 150) + 0.005 * (chol - 200);
    if (rng.nextDouble() < 1 / (1 + Math.exp(-z))) {
      Condition c = new Condition();
      c.getCode().addCoding().setSystem(StudyUrls.SNOMED).setCode(HeartDiseaseFhir.CAD_SNOMED);
      c.getVerificationStatus().addCoding()
          .setSystem("http://terminology.hl7.org/CodeSystem/condition-ver-status").setCode("confirmed");
      c.setSubject(new Reference(patientUrl));
      add(b, c, "urn:uuid:" + UUID.randomUUID());
    }
  }

  private void obs(Bundle b, String patientUrl, String system, String code, Type value, int daysAgo) {
    Observation o = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().addCoding().setSystem(system).setCode(code);
    o.setSubject(new Reference(patientUrl));
    o.setEffective(new DateTimeType(Date.from(today.minusDays(daysAgo).atStartOfDay(ZoneOffset.UTC).toInstant())));
    o.setValue(value);
    add(b, o, "urn:uuid:" + UUID.randomUUID());
  }

  private static Quantity quantity(double v, String unit) {
    return new Quantity().setValue(Math.round(v * 100) / 100.0).setSystem(StudyUrls.UCUM).setCode(unit).setUnit(unit);
  }

  private static void add(Bundle b, Resource r, String fullUrl) {
    b.addEntry().setFullUrl(fullUrl).setResource(r).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(r.fhirType());
  }
}
