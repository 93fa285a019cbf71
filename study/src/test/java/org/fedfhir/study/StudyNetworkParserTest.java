package org.fedfhir.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedfhir.study.StudyParserTest.parameter;
import static org.fedfhir.study.StudyParserTest.reference;

import java.util.List;
import org.fedfhir.federation.NeuralNetwork;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Algorithm {@code mlp} and its study parameters {@code hidden-layers} and {@code dropout}. */
class StudyNetworkParserTest {

  final StudyParser parser = new StudyParser();

  static PlanDefinition mlp() {
    PlanDefinition pd = reference();
    ((Coding) pd.getExtensionByUrl(StudyUrls.EXT_ALGORITHM).getValue()).setCode("mlp");
    return pd;
  }

  @Test
  void anMlpStudyWithoutNetworkParametersHasOneLayerOf16AndNoDropout() throws Exception {
    StudyDefinition.Training study = (StudyDefinition.Training) parser.parse(mlp());
    assertThat(study.algorithm()).isEqualTo(Algorithm.MLP);
    assertThat(study.parameters().dropout()).isZero();
    assertThat(study.network()).isEqualTo(new NeuralNetwork(study.features().size(), List.of(16),
        study.parameters().seed()));
  }

  @Test
  void hiddenLayersAndDropoutAreReadAndTheStudySeedDrawsTheInitialWeights() throws Exception {
    PlanDefinition pd = mlp();
    parameter(pd, "hidden-layers", new StringType("32,16"));
    parameter(pd, "dropout", new DecimalType("0.2"));
    StudyDefinition.Training study = (StudyDefinition.Training) parser.parse(pd);
    assertThat(study.parameters().dropout()).isEqualTo(0.2);
    assertThat(study.network()).isEqualTo(new NeuralNetwork(study.features().size(), List.of(32, 16),
        study.parameters().seed()));
  }

  @Test
  void aLinearStudyHasNoNetwork() throws Exception {
    assertThat(((StudyDefinition.Training) parser.parse(reference())).network()).isNull();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "hidden-layers | 512     | need 1 ≤ width ≤ 256",
      "hidden-layers | 16,0    | need 1 ≤ width ≤ 256",
      "hidden-layers | 8,8,8   | need 1 to 2 widths",
      "hidden-layers | wide    | 'wide' is not a layer width",
      "dropout       | 1       | parameter 'dropout' is 1.0; need in [0, 1)",
      "dropout       | -0.1    | parameter 'dropout' is -0.1; need in [0, 1)"})
  void badNetworkParametersBecomeAnOperationOutcomeNamingTheParameter(String name, String value, String reason) {
    PlanDefinition pd = mlp();
    parameter(pd, name, name.equals("dropout") ? new DecimalType(value) : new StringType(value));
    assertRefused(pd, "PlanDefinition.extension[parameter]", reason);
  }

  @Test
  void hiddenLayersGivenAsAnIntegerAreRefused() {
    PlanDefinition pd = mlp();
    parameter(pd, "hidden-layers", new IntegerType(16));
    assertRefused(pd, "PlanDefinition.extension[parameter]", "parameter 'hidden-layers' needs valueString");
  }

  @Test
  void networkParametersOnALinearModelAreRefused() {
    PlanDefinition pd = reference();
    parameter(pd, "hidden-layers", new StringType("16"));
    assertRefused(pd, "PlanDefinition.extension[parameter]",
        "parameter 'hidden-layers' is for algorithm mlp; this study's algorithm is logistic-regression");
  }

  @Test
  void anMlpUnderNewtonOrFedProxIsRefused() {
    for (String strategy : List.of("newton", "fedprox")) {
      PlanDefinition pd = mlp();
      parameter(pd, "strategy", new CodeType(strategy));
      assertRefused(pd, "PlanDefinition.extension[algorithm]", "strategy '" + strategy
          + "' is for logistic regression only");
    }
  }

  @Test
  void anMlpMayBeDifferentiallyPrivate() throws Exception {
    PlanDefinition pd = mlp();
    parameter(pd, "dp-epsilon", new DecimalType("1"));
    assertThat(parser.parse(pd).parameters().privacy()).isNotNull();
  }

  private static void assertRefused(PlanDefinition pd, String location, String reason) {
    InvalidStudyException refused = org.junit.jupiter.api.Assertions.assertThrows(InvalidStudyException.class,
        () -> new StudyReader().read(pd));
    assertThat(refused.issues()).anyMatch(i -> i.location().startsWith(location) && i.reason().contains(reason));
    assertThat(StudyReader.toOperationOutcome(refused.issues()).getIssue())
        .anyMatch(i -> i.getDiagnostics().contains(reason));
  }
}
