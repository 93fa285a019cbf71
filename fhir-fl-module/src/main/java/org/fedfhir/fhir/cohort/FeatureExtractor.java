package org.fedfhir.fhir.cohort;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.fedfhir.study.CohortCriteria;
import org.fedfhir.study.Code;
import org.fedfhir.study.Feature;
import org.fedfhir.study.MissingValuePolicy;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyUrls;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;

/**
 * Builds a study's cohort and feature matrix from a {@link ClinicalDataSource}: consent exclusion,
 * age/sex criteria, one bulk read per feature code, unit conversion, look-back, summaries, required
 * features and the missing-value policy. The index date is {@code now}.
 */
public final class FeatureExtractor {
  private final UcumConverter ucum;

  public FeatureExtractor(UcumConverter ucum) {
    this.ucum = ucum;
  }

  /**
   * The study's cohort and feature matrix. Patients and Consents are streamed from the source and only
   * each candidate's id, age and sex are kept, so memory grows with the cohort's rows, not with the
   * site's resources.
   */
  public Extraction extract(StudyDefinition study, ClinicalDataSource source, Instant now) {
    ConsentPolicy.Denials denials = new ConsentPolicy.Denials();
    source.consents(denials);
    Set<String> denied = denials.patientIds();
    LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();

    int[] counts = new int[3]; // all, excluded by consent, excluded by criteria
    Map<String, Integer> index = new HashMap<>();
    List<Candidate> candidates = new ArrayList<>();
    source.patients(p -> {
      counts[0]++;
      String id = p.getIdElement().getIdPart();
      if (denied.contains(id)) {
        counts[1]++;
      } else if (!meetsCriteria(p, study.cohort(), today)) {
        counts[2]++;
      } else {
        index.put(id, candidates.size());
        candidates.add(Candidate.of(p, today));
      }
    });
    int excludedConsent = counts[1];
    int excludedCriteria = counts[2];

    int n = candidates.size();
    List<Feature> features = study.features();
    double[][] columns = new double[features.size()][];
    int[] unconvertible = new int[1];
    for (int j = 0; j < features.size(); j++) {
      columns[j] = column(features.get(j), candidates, index, source, now, unconvertible, null);
    }
    double[] labels = conditionColumn(study.labelCodes(), index, n, source, null);

    List<double[]> rows = new ArrayList<>();
    List<Integer> rowLabels = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    int missing = 0;
    for (int i = 0; i < n; i++) {
      double[] row = new double[features.size()];
      boolean requiredMissing = false;
      boolean anyMissing = false;
      for (int j = 0; j < features.size(); j++) {
        row[j] = columns[j][i];
        if (Double.isNaN(row[j])) {
          if (features.get(j).required()) {
            requiredMissing = true;
          } else {
            anyMissing = true;
          }
        }
      }
      if (requiredMissing) {
        excludedCriteria++;
        continue;
      }
      if (anyMissing) {
        missing++;
        if (study.missingValuePolicy() == MissingValuePolicy.DROP) {
          continue;
        }
      }
      rows.add(row);
      rowLabels.add((int) labels[i]);
      ids.add(candidates.get(i).id());
    }
    FeatureMatrix matrix = new FeatureMatrix(study.featureNames(), rows.toArray(new double[0][]),
        rowLabels.stream().mapToInt(Integer::intValue).toArray(), ids);
    return new Extraction(matrix, new CohortCounts(counts[0], rows.size(), excludedConsent, excludedCriteria,
        missing, unconvertible[0]));
  }

  /**
   * One patient's features for inference, read exactly as {@link #extract} reads them for training
   * (same codes, units, look-back, summaries, consent and cohort criteria), with the resources each
   * value was read from. Missing values are {@code NaN}; no missing-value policy is applied.
   *
   * @param source the site's data; may hold only this patient's resources
   */
  public PatientFeatures extractPatient(StudyDefinition study, ClinicalDataSource source, String patientId,
      Instant now) {
    Patient patient = source.patients().stream()
        .filter(p -> patientId.equals(p.getIdElement().getIdPart())).findFirst().orElse(null);
    List<String> names = study.featureNames();
    if (patient == null) {
      return PatientFeatures.refused(patientId, PatientFeatures.Status.NOT_FOUND, names);
    }
    if (ConsentPolicy.deniedPatientIds(source.consents()).contains(patientId)) {
      return PatientFeatures.refused(patientId, PatientFeatures.Status.CONSENT_DENIED, names);
    }
    LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
    if (!meetsCriteria(patient, study.cohort(), today)) {
      return PatientFeatures.refused(patientId, PatientFeatures.Status.OUTSIDE_COHORT, names);
    }
    Map<String, Integer> index = Map.of(patientId, 0);
    List<Feature> features = study.features();
    double[] values = new double[features.size()];
    List<Set<String>> basis = new ArrayList<>();
    int[] unconvertible = new int[1];
    for (int j = 0; j < features.size(); j++) {
      Map<Integer, Set<String>> used = new HashMap<>();
      values[j] = column(features.get(j), List.of(Candidate.of(patient, today)), index, source, now, unconvertible,
          used)[0];
      basis.add(Double.isNaN(values[j]) ? java.util.Set.of() : used.getOrDefault(0, java.util.Set.of()));
    }
    return new PatientFeatures(patientId, PatientFeatures.Status.INCLUDED, names, values, basis, unconvertible[0]);
  }

  private static boolean meetsCriteria(Patient p, CohortCriteria criteria, LocalDate today) {
    if (!criteria.sexes().isEmpty()
        && (p.getGender() == null || !criteria.sexes().contains(p.getGender().toCode()))) {
      return false;
    }
    if (criteria.minAge() == null && criteria.maxAge() == null) {
      return true;
    }
    double age = age(p, today);
    if (Double.isNaN(age)) {
      return false;
    }
    return (criteria.minAge() == null || age >= criteria.minAge())
        && (criteria.maxAge() == null || age <= criteria.maxAge());
  }

  private static double age(Patient p, LocalDate today) {
    if (!p.hasBirthDate()) {
      return Double.NaN;
    }
    LocalDate birth = p.getBirthDateElement().getValueAsCalendar().toZonedDateTime().toLocalDate();
    return Period.between(birth, today).getYears();
  }

  /** What a feature needs of a cohort member's Patient resource. */
  private record Candidate(String id, double age, Enumerations.AdministrativeGender gender) {
    static Candidate of(Patient p, LocalDate today) {
      return new Candidate(p.getIdElement().getIdPart(), FeatureExtractor.age(p, today), p.getGender());
    }
  }

  private double[] column(Feature f, List<Candidate> candidates, Map<String, Integer> index,
      ClinicalDataSource source, Instant now, int[] unconvertible,
      Map<Integer, Set<String>> basis) {
    int n = candidates.size();
    double[] col = new double[n];
    switch (f.source()) {
      case PATIENT_AGE -> {
        for (int i = 0; i < n; i++) {
          col[i] = candidates.get(i).age();
          if (basis != null) {
            addBasis(basis, i, "Patient/" + candidates.get(i).id());
          }
        }
      }
      case PATIENT_SEX -> {
        for (int i = 0; i < n; i++) {
          Enumerations.AdministrativeGender g = candidates.get(i).gender();
          col[i] = g == Enumerations.AdministrativeGender.MALE ? 1
              : g == Enumerations.AdministrativeGender.FEMALE ? 0 : Double.NaN;
          if (basis != null) {
            addBasis(basis, i, "Patient/" + candidates.get(i).id());
          }
        }
      }
      case CONDITION -> col = conditionColumn(Set.of(f.code()), index, n, source, basis);
      case OBSERVATION -> {
        // A study's extraction keeps one running summary per candidate; a patient's (with the basis)
        // keeps the values, to name the resources the summary was read from.
        Summaries.Running[] running = basis == null ? new Summaries.Running[n] : null;
        Map<Integer, List<Summaries.TimedValue>> values = new HashMap<>();
        Map<Integer, List<String>> sources = new HashMap<>();
        Instant from = f.lookback() == null ? null
            : now.atZone(ZoneOffset.UTC).minus(f.lookback()).toInstant();
        source.observations(f.code(), o -> {
          Integer row = index.get(patientId(o.getSubject()));
          if (row == null || o.getStatus() == Observation.ObservationStatus.ENTEREDINERROR
              || o.getStatus() == Observation.ObservationStatus.CANCELLED) {
            return;
          }
          Instant t = time(o);
          if (from != null && (t == null || t.isBefore(from))) {
            return;
          }
          Type value = valueFor(o, f.code());
          if (value == null) {
            return;
          }
          OptionalDouble v = number(value, f, unconvertible);
          if (v.isPresent()) {
            if (running != null) {
              if (running[row] == null) {
                running[row] = new Summaries.Running();
              }
              running[row].add(t, v.getAsDouble());
              return;
            }
            values.computeIfAbsent(row, k -> new ArrayList<>()).add(new Summaries.TimedValue(t, v.getAsDouble()));
            sources.computeIfAbsent(row, k -> new ArrayList<>()).add("Observation/" + o.getIdElement().getIdPart());
          }
        });
        for (int i = 0; i < n; i++) {
          if (running != null) {
            col[i] = running[i] == null ? Double.NaN : running[i].value(f.summary());
            continue;
          }
          List<Summaries.TimedValue> vs = values.get(i);
          col[i] = vs == null ? Double.NaN : Summaries.summarise(f.summary(), vs);
          if (vs != null) {
            List<String> read = sources.get(i);
            if (f.summary() == org.fedfhir.study.Summary.LATEST) {
              addBasis(basis, i, read.get(Summaries.latestIndex(vs)));
            } else {
              for (String ref : read) {
                addBasis(basis, i, ref);
              }
            }
          }
        }
      }
    }
    return col;
  }

  private static void addBasis(Map<Integer, Set<String>> basis, int row, String reference) {
    if (basis != null) {
      basis.computeIfAbsent(row, k -> new java.util.LinkedHashSet<>()).add(reference);
    }
  }

  private static double[] conditionColumn(Set<Code> codes, Map<String, Integer> index, int n,
      ClinicalDataSource source, Map<Integer, Set<String>> basis) {
    double[] col = new double[n];
    Set<Integer> has = new HashSet<>();
    source.conditions(codes, c -> {
      Integer row = index.get(patientId(c.getSubject()));
      boolean enteredInError = c.getVerificationStatus().hasCoding(
          "http://terminology.hl7.org/CodeSystem/condition-ver-status", "entered-in-error");
      if (row != null && !enteredInError) {
        has.add(row);
        addBasis(basis, row, "Condition/" + c.getIdElement().getIdPart());
      }
    });
    has.forEach(i -> col[i] = 1);
    return col;
  }

  private static Type valueFor(Observation o, Code code) {
    if (o.getCode().hasCoding(code.system(), code.code())) {
      return o.hasValue() ? o.getValue() : null;
    }
    for (Observation.ObservationComponentComponent c : o.getComponent()) {
      if (c.getCode().hasCoding(code.system(), code.code()) && c.hasValue()) {
        return c.getValue();
      }
    }
    return null;
  }

  private OptionalDouble number(Type value, Feature f, int[] unconvertible) {
    if (value instanceof Quantity q) {
      if (!q.hasValue()) {
        return OptionalDouble.empty();
      }
      double v = q.getValue().doubleValue();
      if (f.unit() == null) {
        return OptionalDouble.of(v);
      }
      String unit = q.hasCode() && (!q.hasSystem() || StudyUrls.UCUM.equals(q.getSystem())) ? q.getCode() : null;
      OptionalDouble converted = ucum.convert(v, unit, f.unit(), f.code());
      if (converted.isEmpty()) {
        unconvertible[0]++;
      }
      return converted;
    }
    if (value instanceof BooleanType b && b.hasValue()) {
      return OptionalDouble.of(b.booleanValue() ? 1 : 0);
    }
    if (value instanceof IntegerType i && i.hasValue()) {
      return OptionalDouble.of(i.getValue());
    }
    if (value instanceof CodeableConcept cc) {
      for (Coding c : cc.getCoding()) {
        try {
          return OptionalDouble.of(Double.parseDouble(c.getCode()));
        } catch (NumberFormatException | NullPointerException e) {
          // not a numeric code: try the next coding
        }
      }
    }
    return OptionalDouble.empty();
  }

  private static Instant time(Observation o) {
    Type e = o.getEffective();
    if (e instanceof DateTimeType dt && dt.hasValue()) {
      return dt.getValue().toInstant();
    }
    if (e instanceof org.hl7.fhir.r4.model.Period p) {
      if (p.hasEnd()) {
        return p.getEnd().toInstant();
      }
      if (p.hasStart()) {
        return p.getStart().toInstant();
      }
    }
    if (e instanceof InstantType it && it.hasValue()) {
      return it.getValue().toInstant();
    }
    return o.hasIssued() ? o.getIssued().toInstant() : null;
  }

  private static String patientId(Reference subject) {
    if (subject == null || !subject.hasReference()) {
      return null;
    }
    return subject.getReferenceElement().getIdPart();
  }
}
