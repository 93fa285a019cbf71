package org.fedfhir.securecompute.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.TTest;
import org.fedfhir.securecompute.encoding.FixedPointCodec;
import org.fedfhir.securecompute.secagg.RoundAbortedException;
import org.fedfhir.securecompute.secagg.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three example analyses on the four UCI centres as four sites, through real secure
 * aggregation, against the same statistics computed on the pooled raw records by independent
 * code (Apache Commons Math).
 */
class HeartDiseaseSecureStatisticsTest {

  static final ContingencyTable CP_BY_DIAGNOSIS = new ContingencyTable("cp-by-diagnosis", "cp",
      List.of("1", "2", "3", "4"), "num", List.of("0", "1"));
  static final NumericSummary CHOL_BY_SEX = new NumericSummary("chol-by-sex", "chol", "sex", List.of("0", "1"),
      80, 640, new double[] {80, 200, 220, 240, 260, 280, 300, 320, 340, 360, 380, 400, 640},
      new double[] {0.25, 0.5, 0.75});
  static final WelchTest THALACH_BY_DIAGNOSIS = new WelchTest("thalach-by-diagnosis", "thalach", "num", "1", "0",
      60, 210);
  static final int MAX_RECORDS_PER_SITE = 1_000_000;

  static Map<String, List<double[]>> centres;
  static List<double[]> pooled;
  static Federation federation;
  static InProcessStatisticsRound.Outcome outcome;

  @BeforeAll
  static void runStudy() {
    centres = HeartDiseaseData.centres();
    pooled = HeartDiseaseData.pooled(centres);
    federation = new Federation(4, List.of(CP_BY_DIAGNOSIS, CHOL_BY_SEX, THALACH_BY_DIAGNOSIS),
        MAX_RECORDS_PER_SITE, 2024);
    outcome = federation.run(siteVectors(centres));
  }

  static Map<Integer, List<double[]>> siteVectors(Map<String, List<double[]>> byCentre) {
    Map<Integer, List<double[]>> vectors = new TreeMap<>();
    int site = 1;
    for (List<double[]> rows : byCentre.values()) {
      vectors.put(site++, vectorsOf(rows));
    }
    return vectors;
  }

  static List<double[]> vectorsOf(List<double[]> rows) {
    return List.of(CP_BY_DIAGNOSIS.encode(cpEntries(rows)), CHOL_BY_SEX.encode(values(rows, "chol", "sex")),
        THALACH_BY_DIAGNOSIS.encode(thalachByDiagnosis(rows)));
  }

  static List<ContingencyTable.Entry> cpEntries(List<double[]> rows) {
    List<ContingencyTable.Entry> entries = new ArrayList<>();
    for (double[] row : rows) {
      entries.add(new ContingencyTable.Entry(HeartDiseaseData.category(row, "cp"), HeartDiseaseData.diagnosis(row)));
    }
    return entries;
  }

  static List<NumericSummary.Value> values(List<double[]> rows, String variable, String group) {
    List<NumericSummary.Value> values = new ArrayList<>();
    for (double[] row : rows) {
      values.add(new NumericSummary.Value(HeartDiseaseData.category(row, group), HeartDiseaseData.get(row, variable)));
    }
    return values;
  }

  static List<NumericSummary.Value> thalachByDiagnosis(List<double[]> rows) {
    List<NumericSummary.Value> values = new ArrayList<>();
    for (double[] row : rows) {
      values.add(new NumericSummary.Value(HeartDiseaseData.diagnosis(row), HeartDiseaseData.get(row, "thalach")));
    }
    return values;
  }

  @Test
  void fixedPointScaleKeepsEverySumWithinOneMillionthAndCannotWrap() {
    FixedPointCodec codec = federation.encoding.codec();
    assertThat(codec.modulusBits()).isEqualTo(64);
    assertThat(federation.encoding.errorBound(4)).isLessThan(1e-6);
    // the largest coordinate: Σ(x − c)² for 10^6 cholesterol values 280 from the centre
    assertThat(codec.clip()).isEqualTo(MAX_RECORDS_PER_SITE * 280.0 * 280.0);
    // the codec's own overflow rule refuses one more fractional bit for 16 sites
    assertThatThrownBy(() -> FixedPointCodec.builder().modulusBits(64).clip(codec.clip())
        .fractionalBits(codec.fractionalBits() + 1).maxSites(codec.maxSites()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflows");
    assertThat(outcome.sites()).isEqualTo(4);
  }

  @Test
  void diagnosisByChestPainTypeCountsAreExactAndChiSquareMatchesThePooledRecords() {
    ContingencyTable.Result result = CP_BY_DIAGNOSIS.combine(outcome.sums().get(0),
        Release.of(DisclosurePolicy.defaults(), outcome.sites()));

    long[][] expected = new long[4][2];
    for (double[] row : pooled) {
      expected[(int) HeartDiseaseData.get(row, "cp") - 1][HeartDiseaseData.get(row, "num") > 0 ? 1 : 0]++;
    }
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 2; j++) {
        assertThat(result.cells()[i][j]).isEqualTo(OptionalLong.of(expected[i][j]));
      }
    }
    assertThat(result.total()).isEqualTo(OptionalLong.of(920));
    assertThat(result.suppressed()).isEmpty();
    assertThat(result.sites()).isEqualTo(4);
    ContingencyTable.ChiSquare chi = result.chiSquare().orElseThrow();
    ChiSquareTest reference = new ChiSquareTest();
    assertThat(chi.statistic()).isCloseTo(reference.chiSquare(expected), within(1e-6));
    assertThat(chi.pValue()).isCloseTo(reference.chiSquareTest(expected), within(1e-9));
    assertThat(chi.degreesOfFreedom()).isEqualTo(3);
  }

  @Test
  void cholesterolSummaryBySexMatchesThePooledRecords() {
    NumericSummary.Result result = CHOL_BY_SEX.combine(outcome.sums().get(1),
        Release.of(DisclosurePolicy.defaults(), outcome.sites()));
    NumericSummary.Result pooledResult = CHOL_BY_SEX.combine(CHOL_BY_SEX.encode(values(pooled, "chol", "sex")),
        Release.of(DisclosurePolicy.defaults(), 1));

    for (int sex = 0; sex <= 1; sex++) {
      SummaryStatistics reference = new SummaryStatistics();
      for (double[] row : pooled) {
        double chol = HeartDiseaseData.get(row, "chol");
        if (HeartDiseaseData.get(row, "sex") == sex && !Double.isNaN(chol)) {
          reference.addValue(Math.max(80, Math.min(640, chol)));
        }
      }
      NumericSummary.Group group = result.groups().get(sex);
      assertThat(group.count()).isEqualTo(OptionalLong.of(reference.getN()));
      assertThat(group.mean().getAsDouble()).isCloseTo(reference.getMean(), within(1e-6));
      assertThat(group.variance().getAsDouble()).isCloseTo(reference.getVariance(), within(1e-6));
      assertThat(group.standardDeviation().getAsDouble()).isCloseTo(reference.getStandardDeviation(), within(1e-6));
      // histogram, quantiles and bounded min/max are functions of exact counts: identical to pooled
      NumericSummary.Group pooledGroup = pooledResult.groups().get(sex);
      assertThat(group.histogram()).isEqualTo(pooledGroup.histogram());
      assertThat(group.quantiles()).isEqualTo(pooledGroup.quantiles());
      assertThat(group.minimum()).isEqualTo(pooledGroup.minimum());
      assertThat(group.minimum().orElseThrow().lower()).isLessThanOrEqualTo(reference.getMin());
      assertThat(group.maximum().orElseThrow().upper()).isGreaterThanOrEqualTo(reference.getMax());
      OptionalDouble median = group.quantiles().get(1).value();
      assertThat(median).isPresent();
    }
    assertThat(result.suppressed()).isEqualTo(pooledResult.suppressed());
  }

  @Test
  void histogramQuantileEqualsTheExactQuantileWhenBinsAreNarrow() {
    // one bin per integer: grouped-data quantile of integer data lies within its unit bin
    NumericSummary fine = new NumericSummary("age", "age", null, List.of(), 20, 80,
        NumericSummary.evenEdges(20, 80, 60), new double[] {0.5});
    List<NumericSummary.Value> ages = new ArrayList<>();
    List<Double> sorted = new ArrayList<>();
    for (double[] row : pooled) {
      ages.add(NumericSummary.Value.of(HeartDiseaseData.get(row, "age")));
      sorted.add(HeartDiseaseData.get(row, "age"));
    }
    sorted.sort(Double::compare);
    double median = (sorted.get(459) + sorted.get(460)) / 2;
    NumericSummary.Result r = fine.combine(fine.encode(ages), Release.of(DisclosurePolicy.none(), 1));
    assertThat(r.groups().get(0).quantiles().get(0).value().getAsDouble()).isBetween(median, median + 1);
  }

  @Test
  void welchTestOfMaxHeartRateByDiagnosisMatchesThePooledRecords() {
    WelchTest.Result result = THALACH_BY_DIAGNOSIS.combine(outcome.sums().get(2),
        Release.of(DisclosurePolicy.defaults(), outcome.sites()));
    List<Double> sick = new ArrayList<>();
    List<Double> healthy = new ArrayList<>();
    for (double[] row : pooled) {
      double v = HeartDiseaseData.get(row, "thalach");
      if (!Double.isNaN(v)) {
        (HeartDiseaseData.get(row, "num") > 0 ? sick : healthy).add(v);
      }
    }
    double[] a = sick.stream().mapToDouble(Double::doubleValue).toArray();
    double[] b = healthy.stream().mapToDouble(Double::doubleValue).toArray();
    WelchTest.Test test = result.test().orElseThrow();
    assertThat(test.t()).isCloseTo(new TTest().t(a, b), within(1e-6));
    assertThat(test.pValue()).isCloseTo(new TTest().tTest(a, b), within(1e-9));
    assertThat(result.a().count()).isEqualTo(OptionalLong.of(a.length));
    assertThat(result.b().count()).isEqualTo(OptionalLong.of(b.length));
    SummaryStatistics ref = new SummaryStatistics();
    for (double v : a) {
      ref.addValue(v);
    }
    assertThat(result.a().mean().getAsDouble()).isCloseTo(ref.getMean(), within(1e-6));
    assertThat(result.a().variance().getAsDouble()).isCloseTo(ref.getVariance(), within(1e-6));
  }

  @Test
  void aSiteDroppingOutAfterItsKeysLeavesTheExactTotalOfTheOtherThreeReportedAsThree() {
    InProcessStatisticsRound.Outcome partial = federation.run(siteVectors(centres), Map.of(3, Stage.MASKED_INPUT));
    assertThat(partial.contributors()).containsExactly(1, 2, 4);
    Map<String, List<double[]>> withoutSwitzerland = new LinkedHashMap<>(centres);
    withoutSwitzerland.remove("switzerland");
    List<double[]> rest = HeartDiseaseData.pooled(withoutSwitzerland);

    ContingencyTable.Result table = CP_BY_DIAGNOSIS.combine(partial.sums().get(0),
        Release.of(DisclosurePolicy.defaults(), partial.sites()));
    ContingencyTable.Result reference = CP_BY_DIAGNOSIS.combine(CP_BY_DIAGNOSIS.encode(cpEntries(rest)),
        Release.of(DisclosurePolicy.defaults(), 3));
    assertThat(table.sites()).isEqualTo(3);
    assertThat(table.total()).isEqualTo(OptionalLong.of(rest.size()));
    assertThat(table.chiSquare().orElseThrow().statistic())
        .isCloseTo(reference.chiSquare().orElseThrow().statistic(), within(1e-9));
  }

  @Test
  void roundAbortsAndReleasesNothingWhenTwoOfFourSitesDropOut() {
    assertThatThrownBy(() -> federation.run(siteVectors(centres),
        Map.of(1, Stage.MASKED_INPUT, 2, Stage.MASKED_INPUT)))
        .isInstanceOf(RoundAbortedException.class);
  }

  @Test
  void theAggregatorSeesNoSitesEncodedVectorInAnyMessage() {
    Map<Integer, long[]> encoded = new TreeMap<>();
    int site = 1;
    for (List<double[]> rows : centres.values()) {
      encoded.put(site++, federation.encoding.encode(vectorsOf(rows), federation.random));
    }
    List<long[]> vectorsSeen = new ArrayList<>();
    federation.observe(encoded, message -> {
      if (message instanceof org.fedfhir.securecompute.secagg.MaskedInput masked) {
        vectorsSeen.add(masked.vector());
      }
    });
    assertThat(vectorsSeen).hasSize(4);
    for (long[] seen : vectorsSeen) {
      for (long[] own : encoded.values()) {
        int equal = 0;
        for (int i = 0; i < own.length; i++) {
          equal += seen[i] == own[i] ? 1 : 0;
        }
        assertThat(equal).as("coordinates equal to a site's own encoding").isLessThan(3);
      }
    }
  }
}
