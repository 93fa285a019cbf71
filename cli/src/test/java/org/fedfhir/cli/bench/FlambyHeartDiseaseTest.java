package org.fedfhir.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.fedfhir.cli.demo.StudyVariants;
import org.fedfhir.fhir.federation.SiteRows;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.loader.HeartDiseaseRow;
import org.fedfhir.study.StudyParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** FLamby's Fed-Heart-Disease rows, split and columns as the bench's four sites hold them, and FLamby's figures. */
class FlambyHeartDiseaseTest {

  static Map<HeartDiseaseCentre, SiteRows> sites;

  @BeforeAll
  static void extract() throws Exception {
    sites = FlambyHeartDisease.sites(new StudyParser().parse(new StudyVariants(FhirContext.forR4Cached()).reference()),
        LocalDate.of(2026, 12, 5));
  }

  @Test
  void everyCentreHasFlambysTrainAndTestCounts() {
    // FLamby's README: train/test 199/104, 172/89, 30/16, 85/45
    int[][] expected = {{199, 104}, {172, 89}, {30, 16}, {85, 45}};
    for (HeartDiseaseCentre c : HeartDiseaseCentre.values()) {
      SiteRows rows = sites.get(c);
      assertThat(new int[] {rows.trainCount(), rows.testCount()}).as(c.code()).containsExactly(expected[c.ordinal()]);
    }
  }

  @Test
  void rowsWithAQuestionMarkInAnAttributeFlambyKeepsAreDropped() throws Exception {
    for (HeartDiseaseCentre c : HeartDiseaseCentre.values()) {
      SiteRows rows = sites.get(c);
      assertThat(rows.trainCount() + rows.testCount()).as(c.code()).isEqualTo(completeForFlamby(c));
    }
    // 920 UCI rows, of which FLamby keeps 740: Switzerland loses 77 of 123, Hungarian 33 of 294
    assertThat(sites.values().stream().mapToInt(r -> r.trainCount() + r.testCount()).sum()).isEqualTo(740);
  }

  /** Lines of the UCI file without '?' in age … oldpeak (FLamby drops slope, ca and thal first); chol 0 is no '?'. */
  private static int completeForFlamby(HeartDiseaseCentre centre) throws Exception {
    try (var in = HeartDiseaseRow.class.getResourceAsStream(centre.resource())) {
      int n = 0;
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (!line.isBlank() && !List.of(line.trim().split(",")).subList(0, 10).contains("?")) {
          n++;
        }
      }
      return n;
    }
  }

  @Test
  void theThirteenColumnsAreFlambysOneHotEncoding() {
    assertThat(FlambyHeartDisease.featureNames()).containsExactly("age", "sex", "trestbps", "chol", "fbs", "thalach",
        "exang", "oldpeak", "cp-2", "cp-3", "cp-4", "restecg-1", "restecg-2");
    assertThat(sites.get(HeartDiseaseCentre.VA).featureNames()).hasSize(13);
    List<String> extracted = List.of("age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang",
        "oldpeak");
    // Cleveland's first row: 63, male, cp 1 (the dropped level), 145, 233, fbs 1, restecg 2, 150, no angina, 2.3
    assertThat(FlambyHeartDisease.encode(extracted, new double[] {63, 1, 1, 145, 233, 1, 2, 150, 0, 2.3}))
        .containsExactly(63, 1, 145, 233, 1, 150, 0, 2.3, 0, 0, 0, 0, 1);
    assertThat(FlambyHeartDisease.encode(extracted, new double[] {41, 0, 4, 130, Double.NaN, 0, 0, 172, 1, 1.4}))
        .containsExactly(41, 0, 130, Double.NaN, 0, 172, 1, 1.4, 0, 0, 1, 0, 0);
    assertThatThrownBy(() -> FlambyHeartDisease.encode(extracted,
        new double[] {41, 0, 4, 130, 200, 0, Double.NaN, 172, 1, 1.4}))
        .hasMessageContaining("restecg is missing in a row FLamby kept");
  }

  @Test
  void flambysPublishedFiguresAreTheOnesTheIssueQuotes() throws Exception {
    assertThat(FlambyPublished.dp(1.0, 1e-3).mean()).isCloseTo(0.702, org.assertj.core.data.Offset.offset(5e-4));
    assertThat(FlambyPublished.dp(0.1, 1e-3).mean()).isCloseTo(0.629, org.assertj.core.data.Offset.offset(5e-4));
    assertThat(FlambyPublished.dp(null, 1e-3).mean()).isCloseTo(0.712, org.assertj.core.data.Offset.offset(5e-4));
    assertThat(FlambyPublished.benchmark("Pooled Training").mean())
        .isCloseTo(0.735, org.assertj.core.data.Offset.offset(5e-4));
    assertThat(FlambyPublished.dp(1.0, 1e-3).perSeed()).hasSize(5);
    assertThat(FlambyPublished.dpRuns(new BufferedReader(new StringReader("perf,e,d,seed\n0.5,1.0,0.01,42\n"
        + "0.6,1.0,0.001,42\n0.7,,,42\n")), 1.0, 1e-3)).containsExactly(0.6);
  }
}
