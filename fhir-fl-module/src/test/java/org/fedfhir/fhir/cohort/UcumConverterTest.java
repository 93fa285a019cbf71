package org.fedfhir.fhir.cohort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.fedfhir.study.Code;
import org.fedfhir.study.StudyUrls;
import org.junit.jupiter.api.Test;

class UcumConverterTest {
  static final UcumConverter UCUM = new UcumConverter();
  static final Code CHOLESTEROL = new Code(StudyUrls.LOINC, "2093-3");

  @Test
  void cholesterolInMmolPerLitreBecomesMgPerDecilitre() {
    assertThat(UCUM.convert(5.0, "mmol/L", "mg/dL", CHOLESTEROL).getAsDouble()).isCloseTo(193.325, within(1e-6));
  }

  @Test
  void cholesterolInMgPerDecilitreBecomesMmolPerLitre() {
    assertThat(UCUM.convert(193.325, "mg/dL", "mmol/L", CHOLESTEROL).getAsDouble()).isCloseTo(5.0, within(1e-9));
  }

  @Test
  void commensurableUnitsConvertWithoutAnalyte() {
    assertThat(UCUM.convert(1.0, "kPa", "mm[Hg]", null).getAsDouble()).isCloseTo(7.50062, within(1e-4));
    assertThat(UCUM.convert(2.0, "g/L", "mg/dL", null).getAsDouble()).isCloseTo(200.0, within(1e-9));
  }

  @Test
  void substanceToMassWithoutKnownMolarMassIsNotConvertible() {
    assertThat(UCUM.convert(5.0, "mmol/L", "mg/dL", new Code(StudyUrls.LOINC, "8480-6"))).isEmpty();
  }

  @Test
  void incommensurableOrInvalidUnitsAreNotConvertible() {
    assertThat(UCUM.convert(120, "mm[Hg]", "mg/dL", CHOLESTEROL)).isEmpty();
    assertThat(UCUM.convert(120, "furlongs-ish", "mg/dL", CHOLESTEROL)).isEmpty();
    assertThat(UCUM.convert(120, null, "mg/dL", CHOLESTEROL)).isEmpty();
  }

  @Test
  void validatesUcumExpressions() {
    assertThat(UCUM.isValid("mm[Hg]")).isTrue();
    assertThat(UCUM.isValid("mmHg")).isFalse();
  }
}
