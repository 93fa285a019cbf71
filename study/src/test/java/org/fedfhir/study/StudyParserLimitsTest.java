package org.fedfhir.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedfhir.study.StudyParserTest.parameter;
import static org.fedfhir.study.StudyParserTest.reference;

import org.fedfhir.federation.Strategy;
import org.fedfhir.federation.StudyLimits;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DataRequirement;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/**
 * The bounds of a study beyond its parameters' ranges (docs/study-format.md, "Limits"): a threshold
 * the study's sites can meet, and a round's vector no longer than {@link StudyLimits#MAX_VECTOR_LENGTH}.
 */
class StudyParserLimitsTest {
  final StudyParser parser = new StudyParser();

  /** The reference study with {@code count} features: its third feature copied under new names and codes. */
  static PlanDefinition withFeatures(int count) {
    PlanDefinition pd = reference();
    var inputs = pd.getActionFirstRep().getInput();
    DataRequirement template = inputs.get(2);
    while (inputs.size() < count) {
      DataRequirement copy = template.copy();
      String name = "f" + inputs.size();
      copy.getExtensionByUrl(StudyUrls.EXT_FEATURE).getExtensionByUrl("name").setValue(new StringType(name));
      copy.getCodeFilterFirstRep().getCodeFirstRep().setCode(name);
      inputs.add(copy);
    }
    return pd;
  }

  @Test
  void aThresholdAboveMinSitesCanNeverBeMetAndIsRefused() {
    PlanDefinition pd = reference();
    parameter(pd, "min-sites", new IntegerType(4));
    parameter(pd, "threshold", new IntegerType(5));

    assertThat(parser.validate(pd)).singleElement().satisfies(i -> {
      assertThat(i.location()).isEqualTo("PlanDefinition.extension[parameter][5].extension[value]");
      assertThat(i.reason()).isEqualTo("parameter 'threshold' is 5 but 'min-sites' is 4; need 2 ≤ threshold ≤ min-sites");
    });
  }

  @Test
  void aThresholdAboveTheDefaultMinSitesSaysItIsTheDefault() {
    PlanDefinition pd = reference();
    parameter(pd, "threshold", new IntegerType(StudyParameters.DEFAULTS.minSites() + 1));

    assertThat(parser.validate(pd)).singleElement().satisfies(i ->
        assertThat(i.reason()).contains("'min-sites' is 3 (the default)"));
  }

  @Test
  void aThresholdEqualToMinSitesIsAccepted() throws Exception {
    PlanDefinition pd = reference();
    parameter(pd, "min-sites", new IntegerType(5));
    parameter(pd, "threshold", new IntegerType(5));

    assertThat(parser.parse(pd).parameters().threshold()).isEqualTo(5);
  }

  @Test
  void aThresholdBelowTwoIsRefused() {
    PlanDefinition pd = reference();
    parameter(pd, "threshold", new IntegerType(1));

    assertThat(parser.validate(pd)).singleElement().satisfies(i ->
        assertThat(i.reason()).contains("parameter 'threshold' is 1; need ≥ 2"));
  }

  @Test
  void aNewtonStudyWhosePayloadFitsTheVectorLimitIsAccepted() throws Exception {
    // newton's payload is quadratic in the model: d + d(d+1)/2 + 1 + 5 values for d = F + 1
    PlanDefinition pd = withFeatures(1411);
    parameter(pd, "strategy", new CodeType("newton"));

    assertThat(StudyLimits.trainingVectorLength(Strategy.NEWTON, 1411)).isEqualTo(998_996);
    assertThat(parser.parse(pd).features()).hasSize(1411);
  }

  @Test
  void aNewtonStudyWhosePayloadExceedsTheVectorLimitIsRefusedAtItsFeatures() {
    PlanDefinition pd = withFeatures(1412);
    parameter(pd, "strategy", new CodeType("newton"));

    assertThat(parser.validate(pd)).singleElement().satisfies(i -> {
      assertThat(i.location()).isEqualTo("PlanDefinition.action[0].input");
      assertThat(i.reason()).isEqualTo("1412 features under strategy 'newton' make a payload of 1000410 values; "
          + "at most 1000000 (StudyLimits)");
    });
  }

  @Test
  void aStatisticsStudyWhoseVectorExceedsTheLimitIsRefusedAtItsStatistics() {
    PlanDefinition pd = StatisticsStudyParserTest.statisticsStudy();
    Extension table = pd.getActionFirstRep().addExtension().setUrl(StatisticsDeclarations.STATISTIC);
    table.addExtension("kind", new CodeType("crosstab"));
    table.addExtension("name", new StringType("wide"));
    table.addExtension("row", new StringType("a"));
    table.addExtension("column", new StringType("b"));
    for (int i = 0; i < 1001; i++) {
      table.addExtension("rowCategory", new CodeType("r" + i));
      table.addExtension("columnCategory", new CodeType("c" + i));
    }

    assertThat(parser.validate(pd)).singleElement().satisfies(i -> {
      assertThat(i.location()).isEqualTo("PlanDefinition.action[0].extension[statistic]");
      assertThat(i.reason()).startsWith("the statistics make a vector of ").contains("at most 1000000");
    });
  }
}
