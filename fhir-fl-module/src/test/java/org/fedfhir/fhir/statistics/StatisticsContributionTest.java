package org.fedfhir.fhir.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.audit.SecureStatsAudit;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.loader.HeartDiseaseRow;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyKind;
import org.fedfhir.study.StudyReader;
import org.fedfhir.study.StatisticsDeclarations;
import org.fedfhir.securecompute.statistics.ContingencyTable;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.LogisticRegression;
import org.fedfhir.securecompute.statistics.Release;
import org.fedfhir.securecompute.statistics.SiteStatistics;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Test;

/** A site's part in the heart-disease statistics study, from its FHIR records to the vector it masks. */
class StatisticsContributionTest {

  private static final PlanDefinition STUDY = Fixtures.study("heart-disease-stats");

  @Test
  void theStatisticsStudyIsReadBySiteAndAggregatorAlike() throws Exception {
    StudyDefinition study = new StudyReader().read(STUDY);
    StatisticsDeclarations.Study declared = StatisticsDeclarations.read(STUDY);

    assertThat(study.kind()).isEqualTo(StudyKind.STATISTICS);
    assertThat(declared.statistics()).extracting(d -> d.name())
        .containsExactly("cp-by-diagnosis", "chol-by-sex", "thalach-by-diagnosis", "diagnosis-model");
    // the regression: score (6), upper triangle of the information (21), n, Σy; then one
    // contributor flag per statistic
    assertThat(declared.length()).isEqualTo(8 + 2 * (4 + 12) + 6 + (6 + 21 + 2) + 4);
    assertThat(declared.maxRecordsPerSite()).isEqualTo(100_000);
    assertThat(declared.policy().minCellCount()).isEqualTo(5);
  }

  @Test
  void theFourCentresContributionsSumToTheCountsOfTheRawUciRecords() throws Exception {
    StudyDefinition study = new StudyReader().read(STUDY);
    StatisticsDeclarations.Study declared = StatisticsDeclarations.read(STUDY);
    FeatureExtractor extractor = new FeatureExtractor(new UcumConverter());
    double[] sum = new double[declared.length()];
    long[] expected = new long[8];
    for (HeartDiseaseCentre centre : HeartDiseaseCentre.values()) {
      Extraction ex = extractor.extract(study, Fixtures.centre(centre, LocalDate.now()), Instant.now());
      // no site-side suppression here: this checks what the sites' vectors count
      StatisticsContribution work = new StatisticsContribution(
          new SiteStatistics(declared.statistics(), declared.maxRecordsPerSite()), StatisticsContribution.rows(ex.matrix()),
          DisclosurePolicy.none());
      double[] v = work.statistics(1, 3);
      for (int i = 0; i < v.length; i++) {
        sum[i] += v[i];
      }
      for (HeartDiseaseRow row : HeartDiseaseRow.read(centre)) {
        double cp = row.get("cp");
        if (!Double.isNaN(cp)) {
          expected[(int) (Math.round(cp) - 1) * 2 + row.label()]++;
        }
      }
    }
    double[] cells = Arrays.copyOf(sum, 8);
    assertThat(cells).containsExactly(Arrays.stream(expected).asDoubleStream().toArray(), within(0.0));
    ContingencyTable.Result table = (ContingencyTable.Result) declared.statistics().get(0).statistic()
        .combine(cells, Release.of(DisclosurePolicy.defaults(), 4));
    assertThat(table.total().getAsLong()).isEqualTo(920);
    assertThat(table.chiSquare().orElseThrow().statistic()).isCloseTo(268.3457, within(1e-4));
  }

  /**
   * The UCI centres under the default minimum cell count 5: a centre withholds the crosstab when one
   * of its own cp × diagnosis cells holds 1 to 4 patients, and the 12-bin cholesterol summary when a
   * bin or its clipped count does; so the crosstab has 1 contributor and the summary none (Switzerland
   * records no cholesterol: an empty statistic is no contribution), and neither is released.
   */
  @Test
  void underTheDefaultMinimumEachCentreWithholdsWhatItsOwnSmallCountsWouldReveal() throws Exception {
    StudyDefinition study = new StudyReader().read(STUDY);
    StatisticsDeclarations.Study declared = StatisticsDeclarations.read(STUDY);
    FeatureExtractor extractor = new FeatureExtractor(new UcumConverter());
    java.util.Map<HeartDiseaseCentre, java.util.Set<String>> withheld = new java.util.EnumMap<>(HeartDiseaseCentre.class);
    double[] contributors = new double[4];
    for (HeartDiseaseCentre centre : HeartDiseaseCentre.values()) {
      Extraction ex = extractor.extract(study, Fixtures.centre(centre, LocalDate.now()), Instant.now());
      StatisticsContribution work = new StatisticsContribution(declared.statistics(), declared.maxRecordsPerSite(),
          StatisticsContribution.rows(ex.matrix()), java.util.Map.of(), DisclosurePolicy.defaults());
      double[] v = work.statistics(1, 3);
      withheld.put(centre, work.withheld());
      for (int s = 0; s < 4; s++) {
        contributors[s] += v[v.length - 4 + s];
      }
      if (work.withheld().contains("cp-by-diagnosis")) {
        assertThat(Arrays.copyOf(v, 8)).as("%s's crosstab slice", centre).containsOnly(0.0);
      }
    }

    assertThat(withheld).containsExactly(
        java.util.Map.entry(HeartDiseaseCentre.CLEVELAND, java.util.Set.of("chol-by-sex")),
        java.util.Map.entry(HeartDiseaseCentre.HUNGARIAN, java.util.Set.of("cp-by-diagnosis", "chol-by-sex")),
        java.util.Map.entry(HeartDiseaseCentre.SWITZERLAND, java.util.Set.of("cp-by-diagnosis")),
        java.util.Map.entry(HeartDiseaseCentre.VA, java.util.Set.of("cp-by-diagnosis", "chol-by-sex")));
    assertThat(contributors).as("cp-by-diagnosis, chol-by-sex, thalach-by-diagnosis, diagnosis-model")
        .containsExactly(1, 0, 4, 4);
  }

  @Test
  void theFourCentresNewtonIterationsFitTheDiagnosisModelWithTheKnownRiskFactors() throws Exception {
    StudyDefinition study = new StudyReader().read(STUDY);
    StatisticsDeclarations.Study declared = StatisticsDeclarations.read(STUDY);
    FeatureExtractor extractor = new FeatureExtractor(new UcumConverter());
    List<StatisticsContribution> sites = new java.util.ArrayList<>();
    for (HeartDiseaseCentre centre : HeartDiseaseCentre.values()) {
      Extraction ex = extractor.extract(study, Fixtures.centre(centre, LocalDate.now()), Instant.now());
      sites.add(new StatisticsContribution(declared.statistics(), declared.maxRecordsPerSite(),
          StatisticsContribution.rows(ex.matrix()), java.util.Map.of(), DisclosurePolicy.defaults()));
    }
    LogisticRegression.Fit fit =
        ((StatisticDeclaration.Regression) declared.statistics().get(3)).logisticRegression().fit();
    int offset = declared.length() - declared.statistics().size() - fit.next().length();
    double[] first = new double[fit.next().length()];
    for (StatisticsContribution site : sites) {
      double[] v = site.statistics(1, 3);
      for (int i = 0; i < first.length; i++) {
        first[i] += v[offset + i];
      }
    }
    fit.accept(first, Release.of(DisclosurePolicy.defaults(), 4));
    int round = 2;
    while (!fit.done()) {
      double[] sum = new double[fit.next().length()];
      for (StatisticsContribution site : sites) {
        double[] v = site.iterate(round, fit.coefficients());
        for (int i = 0; i < sum.length; i++) {
          sum[i] += v[i];
        }
      }
      fit.accept(sum, Release.of(DisclosurePolicy.defaults(), 4));
      round++;
    }
    LogisticRegression.Result r = fit.result();

    assertThat(r.converged()).isTrue();
    assertThat(r.terms()).containsExactly("(intercept)", "age", "sex", "thalach", "exang", "oldpeak");
    assertThat(r.n().getAsLong()).isBetween(800L, 920L);
    double[] beta = r.coefficients();
    assertThat(beta[1]).as("age").isPositive();
    assertThat(beta[2]).as("male sex").isPositive();
    assertThat(beta[3]).as("max heart rate").isNegative();
    assertThat(beta[4]).as("exercise angina").isPositive();
    assertThat(beta[5]).as("ST depression").isPositive();
    for (int i = 1; i < beta.length; i++) {
      assertThat(r.pValue(i)).as("p of %s", r.terms().get(i)).isLessThan(0.01);
    }
  }

  /** The Cleveland centre's records extracted for the study. */
  private static Extraction cleveland() throws Exception {
    return new FeatureExtractor(new UcumConverter()).extract(new StudyReader().read(STUDY),
        Fixtures.centre(HeartDiseaseCentre.CLEVELAND, LocalDate.now()), Instant.now());
  }

  @Test
  void aSiteRefusesCoefficientsOfTheWrongLengthAndARegressionOnAnUnknownFeature() throws Exception {
    StatisticsDeclarations.Study declared = StatisticsDeclarations.read(STUDY);
    Extraction ex = cleveland();
    StatisticsContribution site = new StatisticsContribution(declared.statistics(), declared.maxRecordsPerSite(),
        StatisticsContribution.rows(ex.matrix()), java.util.Map.of(), DisclosurePolicy.defaults());

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> site.iterate(2, new double[5]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("announced 5 coefficients")
        .hasMessageContaining("have 6");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> site.iterate(2, new double[] {0, 0, Double.NaN, 0, 0, 0}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a finite number");

    StatisticDeclaration.Regression model = (StatisticDeclaration.Regression) declared.statistics().get(3);
    StatisticDeclaration unknown = new StatisticDeclaration.Regression(model.name(), model.outcome(),
        List.of(new StatisticDeclaration.Covariate("bmi", 10, 60)), java.util.Optional.empty());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new StatisticsContribution(List.of(unknown), 1000,
        StatisticsContribution.rows(ex.matrix()), java.util.Map.of(), DisclosurePolicy.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no feature 'bmi'");
  }

  @Test
  void aStatisticDeclaringEpsilonLeavesTheSiteWithItsNoiseShareAndTheOthersExact() throws Exception {
    StatisticsDeclarations.Study declared = StatisticsDeclarations.read(STUDY);
    Extraction ex = cleveland();
    StatisticDeclaration.Crosstab table = (StatisticDeclaration.Crosstab) declared.statistics().get(0);
    List<StatisticDeclaration> withPrivateTable = new java.util.ArrayList<>(declared.statistics());
    withPrivateTable.set(0, new StatisticDeclaration.Crosstab(table.name(), table.row(), table.rowCategories(),
        table.column(), table.columnCategories(), java.util.Optional.of(0.5)));
    double[] exact = new StatisticsContribution(declared.statistics(), declared.maxRecordsPerSite(),
        StatisticsContribution.rows(ex.matrix()), java.util.Map.of(), DisclosurePolicy.none()).statistics(1, 3);

    double[] noisy = new StatisticsContribution(withPrivateTable, declared.maxRecordsPerSite(),
        StatisticsContribution.rows(ex.matrix()), java.util.Map.of(), DisclosurePolicy.none()).statistics(1, 3);

    assertThat(Arrays.copyOfRange(noisy, 0, 8)).isNotEqualTo(Arrays.copyOfRange(exact, 0, 8));
    assertThat(Arrays.copyOfRange(noisy, 8, noisy.length)).containsExactly(Arrays.copyOfRange(exact, 8, exact.length));
  }

  @Test
  void theSitesAuditRecordNamesTheStudyAndRoundAndNoValue() {
    AuditEvent ae = SecureStatsAudit.of("cleveland", new org.fedfhir.fhir.audit.Requester(java.util.Optional.of(new org.fedfhir.access.Caller(org.fedfhir.access.Caller.Kind.USER, "Practitioner/steward-1", "fedfhir-console", java.util.Set.of(org.fedfhir.access.Role.DATA_STEWARD), java.util.Set.of("user/*.rs"), java.util.Optional.empty())), java.util.Optional.of("127.0.0.1")), "heart-disease-stats", 3, new java.util.Date(0), null);

    assertThat(ae.getSubtype()).extracting(c -> c.getCode()).containsExactly("operation", "secure-stats");
    assertThat(ae.getEntityFirstRep().getWhat().getReference()).isEqualTo("PlanDefinition/heart-disease-stats");
    assertThat(ae.getEntityFirstRep().getDetail()).extracting(d -> d.getType() + "=" + d.getValue().primitiveValue())
        .containsExactly("round=3");
    assertThat(ae.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
    String json = Fixtures.CTX.newJsonParser().encodeResourceToString(ae);
    assertThat(json).doesNotContainPattern("\"value[A-Z][a-z]+\":\\s*[0-9]");
    assertThat(List.of(ae.getEntity().size(), ae.getAgent().size())).containsExactly(1, 2);
  }
}
