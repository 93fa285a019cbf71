package org.fedfhir.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fedfhir.study.StudyParserTest.parameter;
import static org.fedfhir.study.StudyParserTest.reference;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.fedfhir.securecompute.privacy.TrainingPrivacy;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The study parameters {@code dp-epsilon}, {@code dp-delta}, {@code dp-clip} and {@code dp-unit}. */
class StudyPrivacyParserTest {

  final StudyParser parser = new StudyParser();

  @Test
  void aStudyWithoutDpEpsilonHasNoDifferentialPrivacy() throws Exception {
    assertThat(parser.parse(reference()).parameters().privacy()).isNull();
  }

  @Test
  void theFourParametersAreRead() throws Exception {
    PlanDefinition pd = reference();
    parameter(pd, "dp-epsilon", new DecimalType("1.5"));
    parameter(pd, "dp-delta", new DecimalType("0.001"));
    parameter(pd, "dp-clip", new DecimalType("2"));
    parameter(pd, "dp-unit", new CodeType("site"));
    assertThat(parser.parse(pd).parameters().privacy())
        .isEqualTo(new TrainingPrivacy(1.5, 1e-3, 2, TrainingPrivacy.Unit.SITE));
  }

  @Test
  void dpEpsilonAloneTakesTheDefaults() throws Exception {
    PlanDefinition pd = reference();
    parameter(pd, "dp-epsilon", new DecimalType("1"));
    assertThat(parser.parse(pd).parameters().privacy()).isEqualTo(new TrainingPrivacy(1, TrainingPrivacy.DEFAULT_DELTA,
        TrainingPrivacy.DEFAULT_CLIP, TrainingPrivacy.Unit.RECORD));
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("epsilon must be positive", (Consumer<PlanDefinition>) pd ->
            parameter(pd, "dp-epsilon", new DecimalType("0")), "parameter 'dp-epsilon' is 0.0; need > 0"),
        Arguments.of("epsilon must be a decimal", (Consumer<PlanDefinition>) pd ->
            parameter(pd, "dp-epsilon", new StringType("one")), "parameter 'dp-epsilon' needs valueDecimal"),
        Arguments.of("delta must be below 1", (Consumer<PlanDefinition>) pd -> {
          parameter(pd, "dp-epsilon", new DecimalType("1"));
          parameter(pd, "dp-delta", new DecimalType("1"));
        }, "parameter 'dp-delta' is 1.0; need in (0, 1)"),
        Arguments.of("clip must be positive", (Consumer<PlanDefinition>) pd -> {
          parameter(pd, "dp-epsilon", new DecimalType("1"));
          parameter(pd, "dp-clip", new DecimalType("-1"));
        }, "parameter 'dp-clip' is -1.0; need > 0"),
        Arguments.of("unit is record or site", (Consumer<PlanDefinition>) pd -> {
          parameter(pd, "dp-epsilon", new DecimalType("1"));
          parameter(pd, "dp-unit", new CodeType("hospital"));
        }, "parameter 'dp-unit' needs valueCode, one of record | site"),
        Arguments.of("delta needs epsilon", (Consumer<PlanDefinition>) pd ->
            parameter(pd, "dp-delta", new DecimalType("0.001")), "parameter 'dp-delta' needs 'dp-epsilon'"),
        Arguments.of("newton is refused", (Consumer<PlanDefinition>) pd -> {
          parameter(pd, "dp-epsilon", new DecimalType("1"));
          parameter(pd, "strategy", new CodeType("newton"));
        }, "strategy 'newton' has no clipped per-record update to noise"),
        Arguments.of("a step finer than the encoding is refused", (Consumer<PlanDefinition>) pd -> {
          parameter(pd, "dp-epsilon", new DecimalType("1"));
          parameter(pd, "dp-clip", new DecimalType("0.0000001"));
        }, "finer than the 24-bit fixed-point encoding carries"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void badPrivacyParametersBecomeAnOperationOutcomeNamingTheParameter(String rule, Consumer<PlanDefinition> breakIt,
      String reason) {
    PlanDefinition pd = reference();
    breakIt.accept(pd);
    assertThatThrownBy(() -> new StudyReader().read(pd)).isInstanceOfSatisfying(InvalidStudyException.class, e -> {
      assertThat(e.issues()).anySatisfy(i -> {
        assertThat(i.location()).startsWith("PlanDefinition.extension[parameter]");
        assertThat(i.reason()).contains(reason);
      });
      OperationOutcome oo = StudyReader.toOperationOutcome(e.issues());
      assertThat(oo.getIssue()).anySatisfy(i -> assertThat(i.getDiagnostics()).contains(reason));
    });
  }
}
