package org.fedfhir.fhir.loader;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.cohort.ConsentPolicy;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class SyntheticCohortTest {
  static final FhirContext CTX = FhirContext.forR4Cached();
  static final LocalDate TODAY = LocalDate.of(2026, 6, 1);

  @Test
  void theSameSeedGivesTheSamePopulationWhateverTheBundleSize() {
    SyntheticCohort cohort = new SyntheticCohort(7, TODAY);
    Bundle whole = cohort.transaction(0, 10);
    Bundle first = cohort.transaction(0, 4);
    Bundle rest = cohort.transaction(4, 6);
    first.getEntry().addAll(rest.getEntry());
    assertThat(json(first)).isEqualTo(json(whole));
    assertThat(json(new SyntheticCohort(7, TODAY).transaction(0, 10))).isEqualTo(json(whole));
    assertThat(json(new SyntheticCohort(8, TODAY).transaction(0, 10))).isNotEqualTo(json(whole));
  }

  @Test
  void patientsHavePanelsAndLaboratoryResultsOverYearsInMixedUnitsWithConditionsAndConsents() {
    List<Resource> all = resources(new SyntheticCohort(43, TODAY).transaction(0, 500));
    List<Observation> panels = of(all, Observation.class).stream()
        .filter(o -> o.getCode().hasCoding("http://loinc.org", "85354-9")).toList();
    assertThat(panels.size()).isGreaterThanOrEqualTo(2 * 500);
    assertThat(panels).allSatisfy(p -> assertThat(p.getComponent()).extracting(c -> c.getCode().getCodingFirstRep()
        .getCode()).containsExactly("8480-6", "8462-4"));
    Map<String, List<Observation>> panelsByPatient = panels.stream()
        .collect(Collectors.groupingBy(o -> o.getSubject().getReference()));
    assertThat(panelsByPatient.values().stream().filter(ps -> years(ps) >= 2).count()).as("followed for years")
        .isGreaterThan(250);

    List<Observation> cholesterol = of(all, Observation.class).stream()
        .filter(o -> o.getCode().hasCoding("http://loinc.org", "2093-3")).toList();
    assertThat(cholesterol.stream().map(o -> ((Quantity) o.getValue()).getCode()).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("mg/dL", "mmol/L", "g/L");
    assertThat(cholesterol).anyMatch(o -> o.getStatus() == Observation.ObservationStatus.ENTEREDINERROR);
    assertThat(of(all, Condition.class)).extracting(c -> c.getCode().getCodingFirstRep().getCode())
        .contains(HeartDiseaseFhir.CAD_SNOMED, SyntheticCohort.HYPERTENSION_SNOMED, SyntheticCohort.DIABETES_SNOMED);
    List<Consent> consents = of(all, Consent.class);
    assertThat(ConsentPolicy.deniedPatientIds(consents)).hasSizeBetween(5, 60);
    assertThat(consents.size()).isBetween(80, 180);
  }

  @Test
  void extractionNormalisesEveryUnitReadsThePanelsAndLeavesOutWhoDenied() throws Exception {
    InMemoryClinicalData data = new InMemoryClinicalData();
    int patients = 400;
    for (Resource r : resources(new SyntheticCohort(43, TODAY).transaction(0, patients))) {
      if (r instanceof Patient p) {
        data.add(p);
      } else if (r instanceof Observation o) {
        data.add(o);
      } else if (r instanceof Condition c) {
        data.add(c);
      } else {
        data.add((Consent) r);
      }
    }
    StudyDefinition study = new StudyParser().parse(Fixtures.study("heart-disease-lr"));
    Extraction ex = new FeatureExtractor(new UcumConverter())
        .extract(study, data, TODAY.atStartOfDay(ZoneOffset.UTC).toInstant());

    int denied = ConsentPolicy.deniedPatientIds(data.consents()).size();
    assertThat(denied).isPositive();
    assertThat(ex.counts().patients()).isEqualTo(patients);
    assertThat(ex.counts().excludedConsent()).isEqualTo(denied);
    assertThat(ex.counts().included()).isEqualTo(patients - denied);
    assertThat(ex.counts().unconvertibleUnits()).isZero();
    assertThat(ex.counts().missing()).isZero();
    int chol = ex.matrix().names().indexOf("chol");
    int sbp = ex.matrix().names().indexOf("trestbps");
    for (double[] row : ex.matrix().values()) {
      assertThat(row[chol]).as("cholesterol in mg/dL, whatever unit it was recorded in").isBetween(20.0, 450.0);
      assertThat(row[sbp]).as("systolic pressure from the panel's component").isBetween(60.0, 250.0);
    }
    assertThat(Arrays.stream(ex.matrix().labels()).boxed().collect(Collectors.toSet())).as("with and without CAD")
        .containsExactlyInAnyOrder(0, 1);
  }

  private static double years(List<Observation> observations) {
    List<Instant> times = observations.stream().map(o -> o.getEffectiveDateTimeType().getValue().toInstant()).sorted()
        .toList();
    return (times.get(times.size() - 1).getEpochSecond() - times.get(0).getEpochSecond()) / (365.25 * 86400);
  }

  /** The bundle's resources with ids from their urn:uuid and references resolved, as a server would store them. */
  private static List<Resource> resources(Bundle b) {
    Map<String, String> ids = new HashMap<>();
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      String id = e.getFullUrl().substring("urn:uuid:".length());
      e.getResource().setId(e.getResource().fhirType() + "/" + id);
      ids.put(e.getFullUrl(), e.getResource().fhirType() + "/" + id);
    }
    List<Resource> out = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : b.getEntry()) {
      Resource r = e.getResource();
      Reference ref = r instanceof Observation o ? o.getSubject() : r instanceof Condition c ? c.getSubject()
          : r instanceof Consent c ? c.getPatient() : null;
      if (ref != null) {
        ref.setReference(ids.get(ref.getReference()));
      }
      out.add(r);
    }
    return out;
  }

  private static <T extends Resource> List<T> of(List<Resource> all, Class<T> type) {
    return all.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static String json(Bundle b) {
    return CTX.newJsonParser().encodeResourceToString(b);
  }
}
