package org.fedfhir.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/** Statistics studies parse into {@link StudyDefinition.Statistics}, training studies into {@link StudyDefinition.Training}. */
class StatisticsStudyParserTest {
  static final Code MI = new Code(StudyUrls.SNOMED, "22298006");
  static final Code HF = new Code(StudyUrls.SNOMED, "84114007");

  final StudyParser parser = new StudyParser();

  /** The reference study as a statistics study: counts by sex and heart failure after infarction. */
  static PlanDefinition statisticsStudy() {
    PlanDefinition pd = StudyParserTest.reference();
    pd.getExtensionsByUrl(StudyUrls.EXT_STUDY_KIND).get(0).setValue(new CodeType("statistics"));
    pd.getExtension().removeIf(e -> e.getUrl().equals(StudyUrls.EXT_ALGORITHM));
    Extension counts = pd.getActionFirstRep().addExtension().setUrl(StatisticsDeclarations.STATISTIC);
    counts.addExtension("kind", new CodeType("counts"));
    counts.addExtension("name", new StringType("sex"));
    counts.addExtension("row", new StringType("sex"));
    counts.addExtension("rowCategory", new CodeType("0"));
    counts.addExtension("rowCategory", new CodeType("1"));
    Extension km = pd.getActionFirstRep().addExtension().setUrl(StatisticsDeclarations.STATISTIC);
    km.addExtension("kind", new CodeType("kaplan-meier"));
    km.addExtension("name", new StringType("hf-after-mi"));
    for (double edge : new double[] {0, 30, 60}) {
      km.addExtension("bucketEdge", new DecimalType(edge));
    }
    km.addExtension("timeUnit", new CodeType("d"));
    km.addExtension("indexCondition", new Coding(MI.system(), MI.code(), null));
    km.addExtension("eventCondition", new Coding(HF.system(), HF.code(), null));
    Extension disclosure = pd.addExtension().setUrl(StatisticsDeclarations.DISCLOSURE_CONTROL);
    disclosure.addExtension("minCellCount", new IntegerType(7));
    return pd;
  }

  @Test
  void aStatisticsStudyCarriesItsDeclarationsAndTimeToEventDefinitions() throws InvalidStudyException {
    StudyDefinition study = parser.parse(statisticsStudy());

    assertThat(study.kind()).isEqualTo(StudyKind.STATISTICS);
    assertThat(study.algorithm()).isNull();
    StudyDefinition.Statistics statistics = (StudyDefinition.Statistics) study;
    assertThat(statistics.declarations().statistics()).extracting(StatisticDeclaration::name)
        .containsExactly("sex", "hf-after-mi");
    assertThat(statistics.declarations().policy().minCellCount()).isEqualTo(7);
    assertThat(statistics.declarations().maxRecordsPerSite())
        .isEqualTo(StatisticsDeclarations.DEFAULT_MAX_RECORDS_PER_SITE);
    assertThat(statistics.timeToEvent()).containsOnlyKeys("hf-after-mi");
    TimeToEventDefinition hf = statistics.timeToEvent().get("hf-after-mi");
    assertThat(hf.indexConditions()).containsExactly(MI);
    assertThat(hf.eventConditions()).containsExactly(HF);
    assertThat(hf.eventObservation()).isNull();
  }

  @Test
  void aKaplanMeierStatisticWithoutAnEventIsAnIssueOfTheStudy() {
    PlanDefinition pd = statisticsStudy();
    pd.getActionFirstRep().getExtensionsByUrl(StatisticsDeclarations.STATISTIC).get(1).getExtension()
        .removeIf(e -> e.getUrl().equals("eventCondition"));

    assertThat(parser.validate(pd)).singleElement().satisfies(issue -> {
      assertThat(issue.location()).isEqualTo("PlanDefinition.action[0].extension[statistic]");
      assertThat(issue.reason()).contains("hf-after-mi: a kaplan-meier statistic needs 'eventCondition' or "
          + "'eventObservation'");
    });
  }

  @Test
  void aStatisticSpendingEpsilonWithoutABudgetIsRefused() {
    PlanDefinition pd = statisticsStudy();
    pd.getActionFirstRep().getExtensionsByUrl(StatisticsDeclarations.STATISTIC).get(0)
        .addExtension("epsilon", new DecimalType(0.5));

    assertThatThrownBy(() -> parser.parse(pd)).isInstanceOf(InvalidStudyException.class)
        .hasMessageContaining("statistic 'sex' spends epsilon but the study has no epsilonBudget");
  }

  @Test
  void theStudysDeltaDefaultsToOneInAMillionAndMustLieBetweenZeroAndOne() throws InvalidStudyException {
    PlanDefinition pd = statisticsStudy();
    assertThat(((StudyDefinition.Statistics) parser.parse(pd)).declarations().epsilonDelta()).isEqualTo(1e-6);

    Extension disclosure = pd.getExtensionByUrl(StatisticsDeclarations.DISCLOSURE_CONTROL);
    disclosure.addExtension("epsilonDelta", new DecimalType(1e-8));
    assertThat(((StudyDefinition.Statistics) parser.parse(pd)).declarations().epsilonDelta()).isEqualTo(1e-8);

    disclosure.getExtensionByUrl("epsilonDelta").setValue(new DecimalType(1));
    assertThatThrownBy(() -> parser.parse(pd)).isInstanceOf(InvalidStudyException.class)
        .hasMessageContaining("epsilonDelta: 1.0 must be in (0, 1)");
  }

  @Test
  void aTrainingStudyCarriesItsAlgorithmAndTheDefaultsOfParametersItLeavesOut() throws InvalidStudyException {
    PlanDefinition pd = StudyParserTest.reference();
    pd.getExtension().removeIf(e -> e.getUrl().equals(StudyUrls.EXT_PARAMETER));
    Extension precision = pd.addExtension().setUrl(StudyUrls.EXT_PARAMETER);
    precision.addExtension("name", new CodeType("prediction-precision"));
    precision.addExtension("value", new IntegerType(5));

    StudyDefinition study = parser.parse(pd);

    assertThat(study).isInstanceOf(StudyDefinition.Training.class);
    assertThat(study.algorithm()).isEqualTo(Algorithm.LOGISTIC_REGRESSION);
    StudyParameters d = StudyParameters.DEFAULTS;
    assertThat(study.parameters()).isEqualTo(new StudyParameters(d.rounds(), d.localEpochs(), d.learningRate(),
        d.l2(), d.seed(), d.testFraction(), d.minSites(), d.threshold(), d.strategy(), d.proximalMu(),
        d.serverLearningRate(), d.shareModelWithOwner(), 5, null));
  }

  @Test
  void aTrainingStudyNeedsAnAlgorithm() {
    StudyCore core = new StudyCore("http://example.org/s", "1", null, "S", "S", "active", StudyParameters.DEFAULTS,
        MissingValuePolicy.DROP, CohortCriteria.ANYONE, List.of(), java.util.Set.of());

    assertThatThrownBy(() -> new StudyDefinition.Training(core, null))
        .hasMessageContaining("a training study needs an algorithm");
  }
}
