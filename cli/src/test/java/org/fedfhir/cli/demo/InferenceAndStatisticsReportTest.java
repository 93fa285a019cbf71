package org.fedfhir.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/** The demo's inference and statistics parts of report.json, and the statistics' console lines (no servers). */
class InferenceAndStatisticsReportTest {

  @Test
  void reportJsonCarriesInferenceAndStatisticsOnlyWhenRun() throws Exception {
    DemoReport without = ReportWriterTest.report();
    JsonNode plain = new ObjectMapper().readTree(ReportWriter.jsonText(without));
    assertThat(plain.has("inference")).isFalse();
    assertThat(plain.has("statistics")).isFalse();

    Map<String, Object> inference = new LinkedHashMap<>();
    inference.put("status", "completed");
    inference.put("modelDigest", "ab".repeat(32));
    inference.put("measurement", "cd".repeat(48));
    inference.put("evidence", "simulated (software platform key; proves nothing about hardware)");
    inference.put("perCentre", Map.of("cleveland", InferenceDriver.centreJson(List.of(
        new InferenceDriver.PatientRisk("1000", 0.529, null), new InferenceDriver.PatientRisk("1001", null, "HTTP 422"),
        new InferenceDriver.PatientRisk("1012", 0.981, null)))));
    DemoReport r = new DemoReport(without.startedAt(), without.centres(), without.strategies(),
        without.pooledPerCentre(), without.flamby(), without.phases(), without.settings(), inference,
        StatisticsDriver.json(released()));
    JsonNode root = new ObjectMapper().readTree(ReportWriter.jsonText(r));
    JsonNode cleveland = root.get("inference").get("perCentre").get("cleveland");
    assertThat(cleveland.get("patients").toString()).isEqualTo("[\"1000\",\"1012\"]");
    assertThat(cleveland.get("probabilities").toString()).isEqualTo("[0.529,0.981]");
    assertThat(cleveland.get("refused").get(0).asText()).isEqualTo("1001: HTTP 422");
    assertThat(root.get("inference").get("evidence").asText()).startsWith("simulated");
    assertThat(root.get("inference").get("modelDigest").asText()).hasSize(64);

    JsonNode stats = root.get("statistics");
    assertThat(stats.get("siteCount").asInt()).isEqualTo(4);
    JsonNode crosstab = stats.get("results").get(0);
    assertThat(crosstab.get("cells").get("cp=1, label=0").asText()).isEqualTo("*");
    assertThat(crosstab.get("cells").get("cp=1, label=1").asInt()).isEqualTo(20);
    assertThat(crosstab.get("chiSquare").asText()).isEqualTo("*");
    JsonNode welch = stats.get("results").get(1);
    assertThat(welch.get("t").asDouble()).isEqualTo(-12.5);
    assertThat(welch.get("groups")).hasSize(2);
  }

  @Test
  void consoleLinesMarkSuppressedFiguresWithAStar() {
    Map<String, Object> j = StatisticsDriver.json(released());
    List<?> results = (List<?>) j.get("results");
    List<String> table = StatisticsDriver.lines((Map<?, ?>) results.get(0));
    assertThat(table.get(0)).contains("cp-by-diagnosis", "crosstab", "total 920");
    String row = table.stream().filter(l -> l.trim().startsWith("cp=1")).findFirst().orElseThrow();
    assertThat(row).contains("*", "20");
    assertThat(table.get(table.size() - 1)).contains("chi-square = *");
    List<String> welch = StatisticsDriver.lines((Map<?, ?>) results.get(1));
    assertThat(String.join("\n", welch)).contains("n = 474", "t = -12.500", "group 0");
    List<String> model = StatisticsDriver.lines((Map<?, ?>) results.get(2));
    assertThat(model.get(0)).contains("diagnosis-model", "logistic regression of label", "n = 898,", "4 sites",
        "6 Newton iterations", "converged");
    assertThat(model.get(2)).contains("(intercept)", "0.6200", "0.8600");
    assertThat(model.get(3)).contains("age", "*");
  }

  @Test
  void theStatisticsStudyIsOnTheClasspath() {
    assertThat(StatisticsDriver.study(ca.uhn.fhir.context.FhirContext.forR4Cached()).getIdElement().getIdPart())
        .isEqualTo(StatisticsDriver.STUDY_ID);
  }

  /** A small release as the aggregator renders it: one suppressed cell, a masked chi-square, a Welch test. */
  static Parameters released() {
    Parameters p = new Parameters();
    p.addParameter().setName("siteCount").setValue(new PositiveIntType(4));
    MeasureReport m = new MeasureReport();
    MeasureReport.MeasureReportGroupComponent g = m.addGroup();
    g.getCode().setText("cp-by-diagnosis");
    MeasureReport.MeasureReportGroupStratifierComponent st = g.addStratifier();
    stratum(st, null, "cp", "1", "label", "0");
    stratum(st, 20, "cp", "1", "label", "1");
    stratum(st, 46, "cp", "1", null, null);
    p.addParameter().setName("report").setResource(m);
    ParametersParameterComponent t = p.addParameter().setName("cp-by-diagnosis");
    t.addPart().setName("kind").setValue(new CodeType("crosstab"));
    t.addPart().setName("total").setValue(new IntegerType(920));
    DecimalType masked = new DecimalType();
    masked.addExtension(new Extension(StatisticsDriver.DATA_ABSENT_REASON, new CodeType("masked")));
    t.addPart().setName("chiSquare").setValue(masked);
    ParametersParameterComponent w = p.addParameter().setName("thalach-by-diagnosis");
    w.addPart().setName("kind").setValue(new CodeType("welch"));
    w.addPart().setName("variable").setValue(new StringType("thalach"));
    w.addPart().setName("groupBy").setValue(new StringType("label"));
    for (String[] grp : new String[][] {{"1", "474"}, {"0", "391"}}) {
      ParametersParameterComponent gp = w.addPart().setName("group");
      gp.addPart().setName("category").setValue(new StringType(grp[0]));
      gp.addPart().setName("count").setValue(new IntegerType(Integer.parseInt(grp[1])));
      gp.addPart().setName("mean").setValue(new DecimalType(140.0));
    }
    w.addPart().setName("t").setValue(new DecimalType(-12.5));
    ParametersParameterComponent lr = p.addParameter().setName("diagnosis-model");
    lr.addPart().setName("kind").setValue(new CodeType("logistic-regression"));
    lr.addPart().setName("variable").setValue(new StringType("label"));
    lr.addPart().setName("count").setValue(new IntegerType(898));
    lr.addPart().setName("siteCount").setValue(new PositiveIntType(4));
    lr.addPart().setName("iterations").setValue(new IntegerType(6));
    lr.addPart().setName("converged").setValue(new BooleanType(true));
    ParametersParameterComponent intercept = lr.addPart().setName("coefficient");
    intercept.addPart().setName("name").setValue(new StringType("(intercept)"));
    intercept.addPart().setName("estimate").setValue(new DecimalType(0.62));
    intercept.addPart().setName("se").setValue(new DecimalType(0.86));
    ParametersParameterComponent age = lr.addPart().setName("coefficient");
    age.addPart().setName("name").setValue(new StringType("age"));
    age.addPart().setName("estimate").setValue(masked.copy());
    return p;
  }

  private static void stratum(MeasureReport.MeasureReportGroupStratifierComponent st, Integer count, String v1,
      String c1, String v2, String c2) {
    MeasureReport.StratifierGroupComponent s = st.addStratum();
    s.addComponent().setCode(new CodeableConcept().setText(v1)).setValue(new CodeableConcept().setText(c1));
    if (v2 != null) {
      s.addComponent().setCode(new CodeableConcept().setText(v2)).setValue(new CodeableConcept().setText(c2));
    }
    MeasureReport.StratifierGroupPopulationComponent pop = s.addPopulation();
    if (count != null) {
      pop.setCount(count);
    } else {
      s.addExtension("http://fedfhir.org/fhir/StructureDefinition/suppressed", new BooleanType(true));
    }
  }
}
