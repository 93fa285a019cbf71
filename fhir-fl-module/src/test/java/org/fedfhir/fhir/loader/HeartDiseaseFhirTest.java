package org.fedfhir.fhir.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class HeartDiseaseFhirTest {

  @Test
  void questionMarksAndZeroCholesterolBecomeAbsentObservationsNotZeros() throws Exception {
    List<HeartDiseaseRow> rows = HeartDiseaseRow.parse(new BufferedReader(new StringReader(
        "63.0,1.0,1.0,145.0,0,1.0,2.0,150.0,0.0,2.3,3.0,?,6.0,2\n")));
    Bundle b = HeartDiseaseFhir.transaction(HeartDiseaseCentre.VA, rows, LocalDate.of(2026, 11, 23));
    List<Observation> obs = b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(Observation.class::isInstance).map(Observation.class::cast).toList();
    assertThat(obs).hasSize(9); // 11 attributes as Observations, minus chol (0) and ca (?)
    assertThat(obs).noneMatch(o -> o.getCode().hasCoding("http://loinc.org", "2093-3"));
    Observation sbp = obs.stream().filter(o -> o.getCode().hasCoding("http://loinc.org", "8480-6")).findFirst()
        .orElseThrow();
    assertThat(sbp.getValueQuantity().getCode()).isEqualTo("mm[Hg]");
    assertThat(sbp.getValueQuantity().getValue().doubleValue()).isEqualTo(145.0);
    Patient p = (Patient) b.getEntryFirstRep().getResource();
    assertThat(p.getBirthDateElement().getValueAsString()).isEqualTo("1962-11-24");
    assertThat(b.getEntry()).filteredOn(e -> e.getResource() instanceof Condition).hasSize(1);
    assertThat(b.getEntryFirstRep().getRequest().getIfNoneExist()).endsWith("|va-1");
  }

  @Test
  void everyCentreReadsWithTheRowCountsOfTheUciFiles() {
    assertThat(HeartDiseaseRow.read(HeartDiseaseCentre.CLEVELAND)).hasSize(303);
    assertThat(HeartDiseaseRow.read(HeartDiseaseCentre.HUNGARIAN)).hasSize(294);
    assertThat(HeartDiseaseRow.read(HeartDiseaseCentre.SWITZERLAND)).hasSize(123)
        .allMatch(r -> Double.isNaN(r.get("chol")));
    assertThat(HeartDiseaseRow.read(HeartDiseaseCentre.VA)).hasSize(200);
  }
}
