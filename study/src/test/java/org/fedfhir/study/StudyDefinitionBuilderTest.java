package org.fedfhir.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.junit.jupiter.api.Test;

class StudyDefinitionBuilderTest {
  static final Code CAD = new Code(StudyUrls.SNOMED, "53741008");
  static final Feature AGE = new Feature("age", FeatureSource.PATIENT_AGE, null, null, Summary.LATEST, null, true);
  static final Feature SEX = new Feature("sex", FeatureSource.PATIENT_SEX, null, null, Summary.LATEST, null, false);

  static StudyDefinition.Builder valid() {
    return StudyDefinition.builder("http://example.org/s", "1").name("S").title("S")
        .missingValuePolicy(MissingValuePolicy.DROP).features(List.of(AGE, SEX)).labelCodes(Set.of(CAD));
  }

  @Test
  void aTrainingStudyBuiltInCodeHasTheParsersDefaults() throws InvalidStudyException {
    StudyDefinition.Training study = valid().training(Algorithm.LINEAR_SVM);

    assertThat(study.kind()).isEqualTo(StudyKind.TRAINING);
    assertThat(study.algorithm()).isEqualTo(Algorithm.LINEAR_SVM);
    assertThat(study.parameters()).isEqualTo(StudyParameters.DEFAULTS);
    assertThat(study.cohort()).isEqualTo(CohortCriteria.ANYONE);
    assertThat(study.status()).isEqualTo("active");
    assertThat(study.featureNames()).containsExactly("age", "sex");
  }

  @Test
  void aStatisticsStudyBuiltInCodeCarriesItsDeclarations() throws InvalidStudyException {
    StatisticsDeclarations.Study declared = new StatisticsDeclarations.Study(
        List.of(new StatisticDeclaration.Counts("sex", "sex", List.of("0", "1"), Optional.empty())),
        DisclosurePolicy.defaults(), 1000, Optional.empty());

    StudyDefinition.Statistics study = valid().statistics(declared, Map.of());

    assertThat(study.kind()).isEqualTo(StudyKind.STATISTICS);
    assertThat(study.declarations().length()).as("2 cells and 1 contributor flag").isEqualTo(3);
    assertThat(study.algorithm()).isNull();
  }

  @Test
  void everyBrokenRuleIsReportedWithTheParsersLocationAndReason() {
    StudyDefinition.Builder broken = StudyDefinition.builder("http://example.org/s", " ").name("S")
        .features(List.of(AGE, AGE));

    assertThatThrownBy(() -> broken.training(null)).isInstanceOfSatisfying(InvalidStudyException.class,
        e -> assertThat(e.issues()).containsExactlyInAnyOrder(
            new StudyIssue("PlanDefinition.version", "is required"),
            new StudyIssue("PlanDefinition.title", "is required"),
            new StudyIssue("PlanDefinition.extension[missingValuePolicy]", "is required"),
            new StudyIssue("PlanDefinition.action[0].input[1].extension[feature].name",
                "feature name 'age' is used twice; names must be unique in the study"),
            new StudyIssue("PlanDefinition.action[0].output[0].codeFilter[0]",
                "needs path = 'code' and at least one code"),
            new StudyIssue("PlanDefinition.extension[algorithm]", "is required for a training study")));
  }

  @Test
  void aStatisticsStudyNeedsAStatistic() {
    StatisticsDeclarations.Study none = new StatisticsDeclarations.Study(List.of(), DisclosurePolicy.defaults(),
        1000, Optional.empty());

    assertThatThrownBy(() -> valid().statistics(none, Map.of())).isInstanceOf(InvalidStudyException.class)
        .hasMessageContaining("a statistics study declares at least one statistic");
  }
}
