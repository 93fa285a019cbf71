package org.fedfhir.fhir.loader;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
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
 * UCI Heart Disease rows as FHIR R4 transaction bundles (mapping in {@code docs/study-format.md},
 * section "Heart-disease attributes"). Missing values are absent Observations. Every resource is a
 * conditional create on its identifier, so loading a centre twice does not duplicate it.
 */
public final class HeartDiseaseFhir {
  public static final String ROW_IDENTIFIER = StudyUrls.BASE + "/NamingSystem/uci-heart-disease-row";
  public static final String CAD_SNOMED = "53741008";
  private static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

  private enum Kind { QUANTITY, INTEGER, BOOLEAN }

  private record Attribute(String column, String system, String code, String display, Kind kind, String unit,
      String category) {}

  private static final List<Attribute> ATTRIBUTES = List.of(
      new Attribute("cp", StudyUrls.CS_HEART_DISEASE, "chest-pain-type", "Chest pain type", Kind.INTEGER, null,
          "exam"),
      new Attribute("trestbps", StudyUrls.LOINC, "8480-6", "Systolic blood pressure", Kind.QUANTITY, "mm[Hg]",
          "vital-signs"),
      new Attribute("chol", StudyUrls.LOINC, "2093-3", "Cholesterol [Mass/volume] in Serum or Plasma",
          Kind.QUANTITY, "mg/dL", "laboratory"),
      new Attribute("fbs", StudyUrls.CS_HEART_DISEASE, "fasting-glucose-over-120", "Fasting blood sugar > 120 mg/dL",
          Kind.BOOLEAN, null, "laboratory"),
      new Attribute("restecg", StudyUrls.CS_HEART_DISEASE, "resting-ecg", "Resting electrocardiographic result",
          Kind.INTEGER, null, "exam"),
      new Attribute("thalach", StudyUrls.CS_HEART_DISEASE, "max-heart-rate",
          "Maximum heart rate achieved (exercise test)", Kind.QUANTITY, "/min", "vital-signs"),
      new Attribute("exang", StudyUrls.CS_HEART_DISEASE, "exercise-angina", "Exercise induced angina",
          Kind.BOOLEAN, null, "exam"),
      new Attribute("oldpeak", StudyUrls.CS_HEART_DISEASE, "st-depression",
          "ST depression induced by exercise relative to rest", Kind.QUANTITY, "mm", "exam"),
      new Attribute("slope", StudyUrls.CS_HEART_DISEASE, "st-slope", "Slope of the peak exercise ST segment",
          Kind.INTEGER, null, "exam"),
      new Attribute("ca", StudyUrls.CS_HEART_DISEASE, "major-vessels",
          "Number of major vessels coloured by fluoroscopy", Kind.INTEGER, null, "exam"),
      new Attribute("thal", StudyUrls.CS_HEART_DISEASE, "thal", "Thallium stress test result", Kind.INTEGER, null,
          "exam"));

  private HeartDiseaseFhir() {}

  /** A transaction bundle for the given rows of a centre; {@code today} fixes birth years and times. */
  public static Bundle transaction(HeartDiseaseCentre centre, List<HeartDiseaseRow> rows, LocalDate today) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Date effective = Date.from(today.atStartOfDay(ZoneOffset.UTC).toInstant());
    for (HeartDiseaseRow row : rows) {
      String key = centre.code() + "-" + row.line();
      String patientUrl = "urn:uuid:" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
      Patient p = new Patient();
      p.addIdentifier().setSystem(ROW_IDENTIFIER).setValue(key);
      double sex = row.get("sex");
      if (!Double.isNaN(sex)) {
        p.setGender(sex == 1 ? Enumerations.AdministrativeGender.MALE : Enumerations.AdministrativeGender.FEMALE);
      }
      double age = row.get("age");
      if (!Double.isNaN(age)) {
        // born the day after "today" (age + 1) years ago: exactly `age` completed years today
        p.setBirthDateElement(new DateType(today.minusYears((long) age + 1).plusDays(1).toString()));
      }
      add(bundle, p, patientUrl, key);
      for (Attribute a : ATTRIBUTES) {
        double v = row.get(a.column());
        if (Double.isNaN(v)) {
          continue;
        }
        Observation o = new Observation();
        o.addIdentifier().setSystem(ROW_IDENTIFIER).setValue(key + "-" + a.column());
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory().addCoding().setSystem(CATEGORY).setCode(a.category());
        o.getCode().addCoding().setSystem(a.system()).setCode(a.code()).setDisplay(a.display());
        o.setSubject(new Reference(patientUrl));
        o.setEffective(new DateTimeType(effective));
        o.setValue(value(a, v));
        add(bundle, o, "urn:uuid:" + UUID.randomUUID(), key + "-" + a.column());
      }
      if (row.label() == 1) {
        Condition c = new Condition();
        c.addIdentifier().setSystem(ROW_IDENTIFIER).setValue(key + "-num");
        c.getCode().addCoding().setSystem(StudyUrls.SNOMED).setCode(CAD_SNOMED)
            .setDisplay("Coronary arteriosclerosis");
        c.getClinicalStatus().addCoding()
            .setSystem("http://terminology.hl7.org/CodeSystem/condition-clinical").setCode("active");
        c.getVerificationStatus().addCoding()
            .setSystem("http://terminology.hl7.org/CodeSystem/condition-ver-status").setCode("confirmed");
        c.setSubject(new Reference(patientUrl));
        add(bundle, c, "urn:uuid:" + UUID.randomUUID(), key + "-num");
      }
    }
    return bundle;
  }

  private static Type value(Attribute a, double v) {
    return switch (a.kind()) {
      case QUANTITY -> new Quantity().setValue(v).setUnit(a.unit()).setSystem(StudyUrls.UCUM).setCode(a.unit());
      case INTEGER -> new IntegerType((int) v);
      case BOOLEAN -> new BooleanType(v != 0);
    };
  }

  private static void add(Bundle bundle, Resource r, String fullUrl, String identifier) {
    bundle.addEntry().setFullUrl(fullUrl).setResource(r).getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl(r.fhirType())
        .setIfNoneExist("identifier=" + ROW_IDENTIFIER + "|" + identifier);
  }
}
