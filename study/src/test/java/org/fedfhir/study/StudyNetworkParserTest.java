package org.fedfhir.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fedfhir.study.StudyParserTest.parameter;
import static org.fedfhir.study.StudyParserTest.reference;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.fedfhir.federation.NeuralNetwork;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("a layer wider than 256", (Consumer<PlanDefinition>) pd ->
            parameter(pd, "hidden-layers", new StringType("512")), "need 1 ≤ width ≤ 256"),
        Arguments.of("a layer of width 0", (Consumer<PlanDefinition>) pd ->
            parameter(pd, "hidden-layers", new StringType("16,0")), "need 1 ≤ width ≤ 256"),
        Arguments.of("three layers", (Consumer<PlanDefinition>) pd ->
            parameter(pd, "hidden-layers", new StringType("8,8,8")), "need 1 to 2 widths"),
        Arguments.of("widths that are no numbers", (Consumer<PlanDefinition>) pd ->
            parameter(pd, "hidden-layers", new StringType("wide")), "'wide' is not a layer width"),
        Arguments.of("widths as an integer", (Consumer<PlanDefinition>) pd ->
            parameter(pd, "hidden-layers", new IntegerType(16)), "parameter 'hidden-layers' needs valueString"),
        Arguments.of("dropout of 1", (Consumer<PlanDefinition>) pd ->
            parameter(pd, "dropout", new DecimalType("1")), "parameter 'dropout' is 1.0; need in [0, 1)"),
        Arguments.of("negative dropout", (Consumer<PlanDefinition>) pd ->
            parameter(pd, "dropout", new DecimalType("-0.1")), "parameter 'dropout' is -0.1; need in [0, 1)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void badNetworkParametersBecomeAnOperationOutcomeNamingTheParameter(String rule, Consumer<PlanDefinition> breakIt,
      String reason) {
    PlanDefinition pd = mlp();
    breakIt.accept(pd);
    assertRefused(pd, "PlanDefinition.extension[parameter]", reason);
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
    assertThatThrownBy(() -> new StudyReader().read(pd)).isInstanceOfSatisfying(InvalidStudyException.class, e -> {
      assertThat(e.issues()).anySatisfy(i -> {
        assertThat(i.location()).startsWith(location);
        assertThat(i.reason()).contains(reason);
      });
      OperationOutcome oo = StudyReader.toOperationOutcome(e.issues());
      assertThat(oo.getIssue()).anySatisfy(i -> assertThat(i.getDiagnostics()).contains(reason));
    });
  }
}
