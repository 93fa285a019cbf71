package org.fedfhir.fhir.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.dao.TolerantJsonParser;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import java.time.LocalDate;
import java.util.List;
import org.fedfhir.fhir.loader.SyntheticCohort;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObservationJsonTest {
  static final FhirContext CTX = FhirContext.forR4Cached();

  /** How HAPI's loader parses a stored version's text. */
  static Observation byHapi(String json) {
    return TolerantJsonParser.createWithLenientErrorHandling(CTX, JpaPid.fromId(1L)).parseResource(Observation.class,
        json);
  }

  @Test
  void everyObservationOfASyntheticPopulationReadsAsHapisParserReadsIt() {
    Bundle population = new SyntheticCohort(43, LocalDate.of(2026, 12, 6)).transaction(300);
    int observations = 0;
    for (Bundle.BundleEntryComponent e : population.getEntry()) {
      if (e.getResource() instanceof Observation o) {
        o.setId((String) null); // HAPI stores the text without the id
        String stored = CTX.newJsonParser().encodeResourceToString(o);
        Observation lean = ObservationJson.parse(stored);
        Observation hapi = byHapi(stored);
        assertThat(lean).as(stored).isNotNull();
        assertThat(lean.equalsDeep(hapi)).as(stored).isTrue();
        assertThat(CTX.newJsonParser().encodeResourceToString(lean)).isEqualTo(stored);
        observations++;
      }
    }
    assertThat(observations).isGreaterThan(300 * 8); // panels, cholesterol and exercise tests, some in mmol/L
  }

  @Test
  void theCommonShapesElementsAllReadBackEqualToHapisParse() {
    String json = """
        {"resourceType":"Observation","status":"amended","category":[{"coding":[{"system":"s","version":"2",\
        "code":"c","display":"C"}],"text":"cat"}],"code":{"coding":[{"system":"http://loinc.org","code":"2093-3"}],\
        "text":"chol"},"subject":{"reference":"Patient/7","display":"P"},"effectivePeriod":{"start":"2020-01-01",\
        "end":"2020-01-02T10:00:00+01:00"},"issued":"2020-01-03T00:00:00.123Z","valueQuantity":{"value":1.50,\
        "comparator":"<","unit":"mmol/L","system":"http://unitsofmeasure.org","code":"mmol/L"},\
        "component":[{"code":{"coding":[{"code":"a"}]},"valueBoolean":true},{"code":{"text":"b"},"valueInteger":-3},\
        {"code":{"text":"s"},"valueString":"x"},{"code":{"text":"cc"},"valueCodeableConcept":{"coding":[{"code":"2"}]}}]}""";
    Observation lean = ObservationJson.parse(json);
    assertThat(lean).isNotNull();
    assertThat(lean.equalsDeep(byHapi(json))).isTrue();
    assertThat(lean.getValueQuantity().getValueElement().getValueAsString()).isEqualTo("1.50");
    for (String effective : List.of("\"effectiveDateTime\":\"2021-05\"", "\"effectiveInstant\":\"2021-05-01T00:00:00Z\"")) {
      String other = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"t\"}," + effective + "}";
      assertThat(ObservationJson.parse(other).equalsDeep(byHapi(other))).as(effective).isTrue();
    }
  }

  /** Shapes it does not read: the reader then parses them with HAPI's parser, which keeps every element. */
  @ParameterizedTest
  @ValueSource(strings = {
      "\"extension\":[{\"url\":\"http://example.org/x\",\"valueString\":\"y\"}]",
      "\"_status\":{\"extension\":[{\"url\":\"http://example.org/x\",\"valueString\":\"y\"}]}",
      "\"meta\":{\"profile\":[\"http://example.org/p\"]}",
      "\"note\":[{\"text\":\"not read by extraction, kept by HAPI\"}]",
      "\"interpretation\":[{\"text\":\"high\"}]",
      "\"valueQuantity\":{\"value\":1e2,\"code\":\"mg/dL\"}",
      "\"valueQuantity\":{\"value\":0.0000001,\"code\":\"g/L\"}",
      "\"valueQuantity\":{\"value\":\"120\",\"code\":\"mg/dL\"}",
      "\"valueQuantity\":{\"value\":120,\"extension\":[{\"url\":\"http://example.org/x\",\"valueString\":\"y\"}]}",
      "\"valueInteger\":1,\"valueBoolean\":true",
      "\"valueSampledData\":{\"origin\":{\"value\":0},\"period\":1,\"dimensions\":1}",
      "\"subject\":{\"reference\":\"Patient/1\",\"identifier\":{\"value\":\"x\"}}",
      "\"effectiveDateTime\":\"not a date\"",
      "\"effectiveTiming\":{\"event\":[\"2020-01-01\"]}",
      "\"component\":[{\"code\":{\"text\":\"a\"},\"dataAbsentReason\":{\"text\":\"unknown\"}}]",
      "\"code\":{\"coding\":[{\"code\":\"\"}]}",
  })
  void anyOtherShapeIsLeftToHapisParser(String element) {
    String json = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"t\"}," + element + "}";
    if (element.startsWith("\"code\"")) {
      json = "{\"resourceType\":\"Observation\",\"status\":\"final\"," + element + "}";
    }
    assertThat(ObservationJson.parse(json)).isNull();
    assertThat(byHapi(json)).isNotNull();
  }

  @Test
  void anUnknownStatusOrAnotherResourceTypeIsLeftToHapisParser() {
    assertThat(ObservationJson.parse("{\"resourceType\":\"Observation\",\"status\":\"maybe\",\"code\":{\"text\":\"t\"}}"))
        .isNull();
    assertThat(ObservationJson.parse("{\"resourceType\":\"Condition\",\"code\":{\"text\":\"t\"}}")).isNull();
    assertThat(ObservationJson.parse("{\"status\":\"final\",\"code\":{\"text\":\"t\"}}")).isNull();
    assertThat(ObservationJson.parse("{\"resourceType\":\"Observation\",\"status\":\"final\"} trailing")).isNull();
  }
}
