package org.fedfhir.fhir.loader;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.SplittableRandom;
import java.util.UUID;
import org.fedfhir.study.StudyUrls;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
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
 * A seeded synthetic hospital population in the heart-disease coding of {@code docs/study-format.md}:
 * the features the heart-disease studies read, recorded the way a hospital records them.
 *
 * <p>Per patient: 2–4 blood-pressure panels (LOINC 85354-9, systolic 8480-6 and diastolic 8462-4 as
 * components) at visits spread over up to eight years; 1–3 total-cholesterol results (2093-3) in mg/dL,
 * mmol/L or g/L, one in a hundred of them {@code entered-in-error}; one exercise test (chest-pain type,
 * fasting glucose over 120, resting ECG, maximum heart rate in {@code /min} or {@code {beats}/min},
 * exercise angina, ST depression in mm); coronary artery disease (SNOMED 53741008) drawn from a
 * logistic model of those values, hypertension and diabetes as further Conditions; and for a quarter
 * of the patients a research Consent (LOINC 57016-8), a fifth of which deny and some of which were
 * changed later.
 *
 * <p>Patient {@code n} depends only on the seed and {@code n} (its own random stream), so a
 * population is the same whatever the bundle size and in whatever order its bundles are made.
 */
public final class SyntheticCohort {
  /** The identifier system of the generated patients ({@code s0}, {@code s1}, …). */
  public static final String PATIENT_IDENTIFIER = StudyUrls.BASE + "/NamingSystem/synthetic-patient";
  static final String HYPERTENSION_SNOMED = "38341003";
  static final String DIABETES_SNOMED = "44054006";
  private static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

  private final long seed;
  private final LocalDate today;
  private int next;

  public SyntheticCohort(long seed, LocalDate today) {
    this.seed = seed;
    this.today = today;
  }

  /** The next {@code patients} patients as one transaction bundle. */
  public synchronized Bundle transaction(int patients) {
    int first = next;
    next += patients;
    return transaction(first, patients);
  }

  /** Patients {@code first} … {@code first + patients - 1} as one transaction bundle. */
  public Bundle transaction(int first, int patients) {
    if (first < 0 || patients < 1) {
      throw new IllegalArgumentException("patients " + first + " + " + patients + ": need first ≥ 0 and at least 1");
    }
    Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int n = first; n < first + patients; n++) {
      new PatientRecord(n).addTo(b);
    }
    return b;
  }

  /** One patient's resources; {@code k} numbers them for their urn:uuid. */
  private final class PatientRecord {
    private final int n;
    private final SplittableRandom rng;
    private final String patientUrl;
    private int k;

    PatientRecord(int n) {
      this.n = n;
      this.rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + n);
      this.patientUrl = url();
    }

    void addTo(Bundle b) {
      boolean male = rng.nextDouble() < 0.6;
      int age = 30 + rng.nextInt(50);
      Patient p = new Patient();
      p.addIdentifier().setSystem(PATIENT_IDENTIFIER).setValue("s" + n);
      p.setGender(male ? Enumerations.AdministrativeGender.MALE : Enumerations.AdministrativeGender.FEMALE);
      p.setBirthDateElement(new DateType(today.minusYears(age + 1L).plusDays(1 + rng.nextInt(360)).toString()));
      add(b, p, patientUrl);

      int followUpDays = 30 + rng.nextInt(8 * 365);
      double sbp = 110 + 0.5 * age + 15 * rng.nextGaussian();
      int visits = 2 + rng.nextInt(3);
      for (int v = 0; v < visits; v++) {
        bloodPressure(b, sbp + 8 * rng.nextGaussian(), 0.6 * sbp + 6 * rng.nextGaussian(),
            followUpDays * v / Math.max(1, visits - 1));
      }

      double chol = 200 + 40 * rng.nextGaussian();
      int tests = 1 + rng.nextInt(3);
      for (int t = 0; t < tests; t++) {
        cholesterol(b, chol + 15 * rng.nextGaussian(), rng.nextInt(followUpDays));
      }

      int exam = rng.nextInt(followUpDays);
      int cp = 1 + rng.nextInt(4);
      boolean fbs = rng.nextDouble() < 0.15;
      double thalach = 200 - 0.8 * age + 15 * rng.nextGaussian();
      boolean exang = rng.nextDouble() < 0.3;
      double oldpeak = Math.max(0, 1 + rng.nextGaussian());
      obs(b, StudyUrls.CS_HEART_DISEASE, "chest-pain-type", new IntegerType(cp), "exam", exam);
      obs(b, StudyUrls.CS_HEART_DISEASE, "fasting-glucose-over-120", new BooleanType(fbs), "laboratory", exam);
      obs(b, StudyUrls.CS_HEART_DISEASE, "resting-ecg", new IntegerType(rng.nextInt(3)), "exam", exam);
      obs(b, StudyUrls.CS_HEART_DISEASE, "max-heart-rate",
          quantity(thalach, rng.nextDouble() < 0.3 ? "{beats}/min" : "/min"), "exam", exam);
      obs(b, StudyUrls.CS_HEART_DISEASE, "exercise-angina", new BooleanType(exang), "exam", exam);
      obs(b, StudyUrls.CS_HEART_DISEASE, "st-depression", quantity(oldpeak, "mm"), "exam", exam);

      double z = -4 + 0.04 * age + (male ? 0.8 : 0) + (cp == 4 ? 1.2 : 0) + (exang ? 1 : 0) + 0.6 * oldpeak
          - 0.01 * (thalach - 150) + 0.005 * (chol - 200);
      if (rng.nextDouble() < 1 / (1 + Math.exp(-z))) {
        condition(b, HeartDiseaseFhir.CAD_SNOMED, exam);
      }
      if (sbp > 140 && rng.nextDouble() < 0.7) {
        condition(b, HYPERTENSION_SNOMED, followUpDays);
      }
      if (fbs && rng.nextDouble() < 0.6) {
        condition(b, DIABETES_SNOMED, exam);
      }
      if (rng.nextDouble() < 0.25) {
        boolean deny = rng.nextDouble() < 0.2;
        if (rng.nextDouble() < 0.2) {
          consent(b, !deny, followUpDays); // changed their mind since
        }
        consent(b, deny, rng.nextInt(Math.max(1, followUpDays / 2)));
      }
    }

    private void bloodPressure(Bundle b, double systolic, double diastolic, int daysAgo) {
      Observation o = observation("vital-signs", daysAgo);
      o.getCode().addCoding().setSystem(StudyUrls.LOINC).setCode("85354-9").setDisplay("Blood pressure panel");
      o.addComponent().setValue(quantity(systolic, "mm[Hg]")).getCode().addCoding()
          .setSystem(StudyUrls.LOINC).setCode("8480-6").setDisplay("Systolic blood pressure");
      o.addComponent().setValue(quantity(diastolic, "mm[Hg]")).getCode().addCoding()
          .setSystem(StudyUrls.LOINC).setCode("8462-4").setDisplay("Diastolic blood pressure");
      add(b, o, url());
    }

    private void cholesterol(Bundle b, double mgPerDl, int daysAgo) {
      double unit = rng.nextDouble();
      Quantity value = unit < 0.7 ? quantity(mgPerDl, "mg/dL")
          : unit < 0.95 ? quantity(mgPerDl / 38.665, "mmol/L") : quantity(mgPerDl / 100, "g/L");
      Observation o = observation("laboratory", daysAgo).setValue(value);
      o.getCode().addCoding().setSystem(StudyUrls.LOINC).setCode("2093-3")
          .setDisplay("Cholesterol [Mass/volume] in Serum or Plasma");
      if (rng.nextDouble() < 0.01) {
        o.setStatus(Observation.ObservationStatus.ENTEREDINERROR).setValue(quantity(mgPerDl * 10, "mg/dL"));
      }
      add(b, o, url());
    }

    private void obs(Bundle b, String system, String code, Type value, String category, int daysAgo) {
      Observation o = observation(category, daysAgo).setValue(value);
      o.getCode().addCoding().setSystem(system).setCode(code);
      add(b, o, url());
    }

    private Observation observation(String category, int daysAgo) {
      Observation o = new Observation().setStatus(Observation.ObservationStatus.FINAL);
      o.addCategory().addCoding().setSystem(CATEGORY).setCode(category);
      o.setSubject(new Reference(patientUrl));
      o.setEffective(new DateTimeType(daysAgo(daysAgo)));
      return o;
    }

    private void condition(Bundle b, String snomed, int daysAgo) {
      Condition c = new Condition();
      c.getCode().addCoding().setSystem(StudyUrls.SNOMED).setCode(snomed);
      c.getVerificationStatus().addCoding()
          .setSystem("http://terminology.hl7.org/CodeSystem/condition-ver-status").setCode("confirmed");
      c.setSubject(new Reference(patientUrl));
      c.setOnset(new DateTimeType(daysAgo(daysAgo)));
      add(b, c, url());
    }

    private void consent(Bundle b, boolean deny, int daysAgo) {
      Consent c = new Consent().setStatus(Consent.ConsentState.ACTIVE);
      c.setScope(new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(
          "http://terminology.hl7.org/CodeSystem/consentscope", "research", "Research")));
      c.addCategory().addCoding().setSystem(StudyUrls.LOINC).setCode("57016-8");
      c.getPolicyRule().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode")
          .setCode(deny ? "OPTOUT" : "OPTIN");
      c.setPatient(new Reference(patientUrl));
      c.setDateTime(daysAgo(daysAgo));
      c.getProvision().setType(deny ? Consent.ConsentProvisionType.DENY : Consent.ConsentProvisionType.PERMIT);
      add(b, c, url());
    }

    private String url() {
      return "urn:uuid:" + new UUID(0x5eed000000000000L ^ seed, ((long) n << 16) | k++);
    }
  }

  private Date daysAgo(int days) {
    return Date.from(today.minusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  private static Quantity quantity(double v, String unit) {
    return new Quantity().setValue(Math.round(v * 100) / 100.0).setSystem(StudyUrls.UCUM).setCode(unit).setUnit(unit);
  }

  private static void add(Bundle b, Resource r, String fullUrl) {
    b.addEntry().setFullUrl(fullUrl).setResource(r).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(r.fhirType());
  }
}
