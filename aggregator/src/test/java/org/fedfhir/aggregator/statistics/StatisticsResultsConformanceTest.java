package org.fedfhir.aggregator.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.securecompute.statistics.ContingencyTable;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.LogisticRegression;
import org.fedfhir.securecompute.statistics.NumericSummary;
import org.fedfhir.securecompute.statistics.PrivacyLedger;
import org.fedfhir.securecompute.statistics.Release;
import org.fedfhir.securecompute.statistics.WelchTest;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the aggregator releases conforms to the guide: the {@code Parameters} of
 * {@code $secure-stats} to {@code FederatedStatisticsResult}, its {@code report} to
 * {@code FederatedStatisticsReport} (ig/input/fsh/statistics.fsh).
 */
class StatisticsResultsConformanceTest {

  private static final StudyRef STUDY = new StudyRef("http://fedfhir.org/fhir/PlanDefinition/heart-disease-stats", "1.0.0");
  private static final ContingencyTable CP = new ContingencyTable("cp-by-diagnosis", "cp", List.of("1", "2"),
      "label", List.of("0", "1"));
  private static final ContingencyTable SEX = ContingencyTable.oneWay("sex-counts", "sex", List.of("0", "1"));
  private static final WelchTest THALACH = new WelchTest("thalach-by-diagnosis", "thalach", "label", "1", "0", 60, 210);
  private static final NumericSummary CHOL = new NumericSummary("chol-by-sex", "chol", "sex", List.of("0", "1"), 80,
      640, new double[] {80, 200, 640}, new double[] {0.25, 0.5, 0.75});

  private static FedFhirIg ig;

  @BeforeAll
  static void loadGuide() {
    ig = FedFhirIg.load();
  }

  private static List<String> errors(OperationOutcome outcome) {
    return outcome.getIssue().stream()
        .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
            || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
        .map(OperationOutcomeIssueComponent::getDiagnostics)
        .toList();
  }

  /** Values of one group, then of another: {@code values("0", 1, 2).plus("1", 3)}. */
  private record Values(List<NumericSummary.Value> list) {
    Values plus(String group, double... values) {
      List<NumericSummary.Value> all = new java.util.ArrayList<>(list);
      all.addAll(values(group, values).list());
      return new Values(all);
    }
  }

  private static Values values(String group, double... values) {
    return new Values(java.util.Arrays.stream(values).mapToObj(v -> new NumericSummary.Value(group, v)).toList());
  }

  private static Parameters release(List<?> results, Optional<PrivacyLedger> ledger) {
    return StatisticsResults.render(STUDY, 3, results, ledger, new Date(0), "fedfhir-aggregator");
  }

  @Test
  void aReleaseWithSuppressedCellsAndMaskedFiguresConformsToFederatedStatisticsResult() {
    Release release = Release.of(DisclosurePolicy.defaults(), 3);
    // cp=1, label=1 is 2 < 5: suppressed with its complementary cells, the chi-square masked;
    // the women's group of the summary is small (3): suppressed whole
    Parameters p = release(List.of(
        CP.combine(new double[] {30, 2, 40, 50}, release),
        SEX.combine(new double[] {3, 119}, release),
        CHOL.combine(CHOL.encode(values("0", 230, 250, 260)
            .plus("1", 190, 210, 240, 300, 220, 205, 280).list()), release),
        THALACH.combine(THALACH.encode(values("1", 120, 130, 125, 140, 118)
            .plus("0", 150, 160, 155, 170, 148).list()), release)),
        Optional.empty());

    assertThat(errors(ig.validate(p, FedFhirIg.FEDERATED_STATISTICS_RESULT))).isEmpty();
    MeasureReport report = (MeasureReport) p.getParameter("report").getResource();
    assertThat(report.getGroupFirstRep().getStratifierFirstRep().getStratum())
        .anySatisfy(s -> assertThat(s.hasExtension(StatisticsResults.SUPPRESSED)).isTrue());
    assertThat(errors(ig.validate(report, FedFhirIg.FEDERATED_STATISTICS_REPORT))).isEmpty();
  }

  @Test
  void aReleaseWithDifferentialPrivacyConformsToo() {
    PrivacyLedger ledger = new PrivacyLedger(STUDY.toString(), 2.0);
    Release release = Release.of(DisclosurePolicy.defaults(), 3).withPrivacy(ledger, 0.5, new SecureRandom());
    Parameters p = release(List.of(CP.combine(new double[] {30, 20, 40, 50}, release)), Optional.of(ledger));

    assertThat(errors(ig.validate(p, FedFhirIg.FEDERATED_STATISTICS_RESULT))).isEmpty();
    assertThat(errors(ig.validate((MeasureReport) p.getParameter("report").getResource(),
        FedFhirIg.FEDERATED_STATISTICS_REPORT))).isEmpty();
  }

  @Test
  void releasedAndWithheldLogisticRegressionsConformToo() {
    LogisticRegression model = new LogisticRegression("diagnosis-model", "label", List.of("sex", "thalach"),
        new double[] {0, 60}, new double[] {1, 210});
    java.util.Random random = new java.util.Random(5);
    List<LogisticRegression.Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      int sex = random.nextInt(2);
      double thalach = 150 + 20 * random.nextGaussian();
      double p = 1 / (1 + Math.exp(-(-1 + sex + 0.02 * (150 - thalach))));
      rows.add(new LogisticRegression.Row(new double[] {sex, thalach}, random.nextDouble() < p ? 1 : 0));
    }
    Release release = Release.of(DisclosurePolicy.defaults(), 3);
    LogisticRegression.Fit fit = model.fit();
    while (!fit.done()) {
      fit.accept(fit.next().encode(rows), release);
    }
    LogisticRegression.Fit rare = model.fit();
    rare.accept(rare.next().encode(rows.stream().map(r -> new LogisticRegression.Row(r.x(), 0)).toList()), release);

    Parameters p = release(List.of(fit.result(), rare.result()), Optional.empty());

    assertThat(errors(ig.validate(p, FedFhirIg.FEDERATED_STATISTICS_RESULT))).isEmpty();
    Parameters.ParametersParameterComponent released = p.getParameter().get(2);
    assertThat(released.getPart()).filteredOn(x -> x.getName().equals("coefficient")).hasSize(3)
        .allSatisfy(c -> assertThat(StatisticsResults.isMasked(c.getPart().get(1).getValue())).isFalse());
    Parameters.ParametersParameterComponent withheld = p.getParameter().get(3);
    assertThat(withheld.getPart()).filteredOn(x -> x.getName().equals("coefficient"))
        .allSatisfy(c -> assertThat(StatisticsResults.isMasked(c.getPart().get(1).getValue())).isTrue());
  }

  @Test
  void statisticsWithheldForFewerThanTwoContributorsConformAndSayWhy() {
    org.fedfhir.securecompute.statistics.SurvivalAnalysis km = new org.fedfhir.securecompute.statistics.SurvivalAnalysis(
        "hf-after-mi", "sex", List.of("1", "0"), new double[] {0, 100, 200}, "d");
    String why = org.fedfhir.securecompute.statistics.SiteDisclosure.WITHHELD;
    Parameters p = release(List.of(CP.withheld(why, 1), SEX.withheld(why, 0), CHOL.withheld(why, 1),
        THALACH.withheld(why, 1), km.withheld(why, 1)), Optional.empty());

    assertThat(errors(ig.validate(p, FedFhirIg.FEDERATED_STATISTICS_RESULT))).isEmpty();
    assertThat(errors(ig.validate((MeasureReport) p.getParameter("report").getResource(),
        FedFhirIg.FEDERATED_STATISTICS_REPORT))).isEmpty();
    for (String name : List.of("cp-by-diagnosis", "sex-counts", "chol-by-sex", "thalach-by-diagnosis", "hf-after-mi")) {
      Parameters.ParametersParameterComponent statistic = StatisticsNetworkTest.statistic(p, name);
      assertThat(statistic.getPart()).filteredOn(x -> x.getName().equals("suppressed"))
          .extracting(x -> x.getValue().primitiveValue()).as(name).containsExactly(why);
    }
    assertThat(StatisticsResults.isMasked(StatisticsNetworkTest.part(StatisticsNetworkTest.statistic(p, "thalach-by-diagnosis"),
        "t").getValue())).isTrue();
    assertThat(StatisticsNetworkTest.statistic(p, "sex-counts").getPart()).extracting(x -> x.getName())
        .as("no site contributed: no siteCount").doesNotContain("siteCount");
  }
}
