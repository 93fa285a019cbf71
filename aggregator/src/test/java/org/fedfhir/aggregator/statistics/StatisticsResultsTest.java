package org.fedfhir.aggregator.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.securecompute.statistics.ContingencyTable;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.NumericSummary;
import org.fedfhir.securecompute.statistics.Release;
import org.fedfhir.securecompute.statistics.WelchTest;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.junit.jupiter.api.Test;

/** Released statistics rendered as FHIR: counts in a MeasureReport, tests and summaries in Parameters. */
class StatisticsResultsTest {

  private static final StudyRef STUDY = new StudyRef("http://fedfhir.org/fhir/PlanDefinition/hd-stats", "1.0.0");
  private static final ContingencyTable CP = new ContingencyTable("cp-by-diagnosis", "cp", List.of("1", "2"),
      "diagnosis", List.of("0", "1"));
  private static final WelchTest THALACH = new WelchTest("thalach", "thalach", "diagnosis", "1", "0", 60, 210);
  private static final NumericSummary CHOL = new NumericSummary("chol", "chol", null, List.of(), 100, 300,
      new double[] {100, 200, 300}, new double[] {0.5});

  private static Parameters render(List<?> results) {
    return StatisticsResults.render(STUDY, 3, results, Optional.empty(), new Date(0), "aggregator");
  }

  private static ParametersParameterComponent part(ParametersParameterComponent p, String name) {
    return p.getPart().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aSuppressedCellIsAStratumWithoutCountMarkedSuppressedAndTheChiSquareIsMasked() {
    // cell (cp=1, diagnosis=1) = 2 < 5: suppressed with its complementary cells
    ContingencyTable.Result table = CP.combine(new double[] {30, 2, 40, 50}, Release.of(DisclosurePolicy.defaults(), 3));
    Parameters p = render(List.of(table));

    assertThat(p.getParameter("siteCount").getValue().primitiveValue()).isEqualTo("3");
    assertThat(p.getParameter("study").getValue().primitiveValue()).isEqualTo(STUDY.toString());
    MeasureReport report = (MeasureReport) p.getParameter("report").getResource();
    assertThat(report.getExtensionByUrl(StatisticsResults.SITE_COUNT).getValue().primitiveValue()).isEqualTo("3");
    MeasureReport.MeasureReportGroupComponent g = report.getGroupFirstRep();
    assertThat(g.getCode().getText()).isEqualTo("cp-by-diagnosis");
    assertThat(g.getPopulationFirstRep().getCount()).isEqualTo(122);
    List<MeasureReport.StratifierGroupComponent> strata = g.getStratifierFirstRep().getStratum();
    assertThat(strata).hasSize(4 + 2 + 2); // cells, row totals, column totals
    long suppressed = strata.stream().filter(s -> s.hasExtension(StatisticsResults.SUPPRESSED)).count();
    assertThat(suppressed).isEqualTo(table.suppressed().size()).isGreaterThanOrEqualTo(2);
    for (MeasureReport.StratifierGroupComponent s : strata) {
      assertThat(s.getPopulationFirstRep().hasCount()).isEqualTo(!s.hasExtension(StatisticsResults.SUPPRESSED));
    }
    MeasureReport.StratifierGroupComponent small = strata.get(1);
    assertThat(small.getComponent()).extracting(c -> c.getCode().getText() + "=" + c.getValue().getText())
        .containsExactly("cp=1", "diagnosis=1");
    assertThat(small.hasExtension(StatisticsResults.SUPPRESSED)).isTrue();

    ParametersParameterComponent stat = p.getParameter().stream().filter(x -> x.getName().equals("cp-by-diagnosis"))
        .findFirst().orElseThrow();
    assertThat(StatisticsResults.isMasked(part(stat, "chiSquare").getValue())).isTrue();
    assertThat(stat.getPart().stream().filter(x -> x.getName().equals("suppressed")))
        .extracting(x -> x.getValue().primitiveValue()).contains("cp=1, diagnosis=1");
    // no suppressed number appears anywhere in the rendered JSON
    String json = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(p);
    assertThat(json).doesNotContain("\"count\": 2").doesNotContain("\"count\":2");
  }

  @Test
  void aFullyReleasedTableCarriesItsChiSquare() {
    ContingencyTable.Result table = CP.combine(new double[] {30, 20, 40, 50}, Release.of(DisclosurePolicy.defaults(), 3));
    ParametersParameterComponent stat = render(List.of(table)).getParameter().stream()
        .filter(x -> x.getName().equals("cp-by-diagnosis")).findFirst().orElseThrow();
    assertThat(Double.parseDouble(part(stat, "chiSquare").getValue().primitiveValue()))
        .isEqualTo(table.chiSquare().orElseThrow().statistic());
    assertThat(part(stat, "df").getValue().primitiveValue()).isEqualTo("1");
  }

  @Test
  void welchAndSummaryAreParametersWithGroupsAndMaskedSmallGroups() {
    // group diagnosis=0 has 3 patients: suppressed, and so is the test
    WelchTest.Result w = THALACH.combine(new double[] {10, 50, 900, 3, -30, 400}, Release.of(DisclosurePolicy.defaults(), 3));
    NumericSummary.Result s = CHOL.combine(new double[] {20, 100, 50_000, 0, 8, 12}, Release.of(DisclosurePolicy.defaults(), 3));
    Parameters p = render(List.of(w, s));

    assertThat(p.getParameter("report")).isNull();
    ParametersParameterComponent welch = p.getParameter().stream().filter(x -> x.getName().equals("thalach"))
        .findFirst().orElseThrow();
    assertThat(part(welch, "kind").getValue().primitiveValue()).isEqualTo("welch");
    List<ParametersParameterComponent> groups = welch.getPart().stream().filter(x -> x.getName().equals("group")).toList();
    assertThat(part(groups.get(0), "count").getValue().primitiveValue()).isEqualTo("10");
    assertThat(StatisticsResults.isMasked(part(groups.get(1), "count").getValue())).isTrue();
    assertThat(StatisticsResults.isMasked(part(welch, "t").getValue())).isTrue();

    ParametersParameterComponent chol = p.getParameter().stream().filter(x -> x.getName().equals("chol"))
        .findFirst().orElseThrow();
    ParametersParameterComponent all = part(chol, "group");
    assertThat(part(all, "count").getValue().primitiveValue()).isEqualTo("20");
    assertThat(Double.parseDouble(part(all, "mean").getValue().primitiveValue())).isEqualTo(205.0);
    assertThat(all.getPart().stream().filter(x -> x.getName().equals("bin"))).hasSize(2);
  }
}
