package org.fedfhir.ig;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;

/** The guide's type rules for a private study's dp-epsilon, dp-delta, dp-clip (sp-dec) and dp-unit (sp-code). */
class PrivacyParameterRulesTest {

  @Test
  void privacyParametersOfTheRightTypeValidate() {
    assertThat(errors(withParameters(List.of("dp-epsilon", "dp-delta", "dp-clip", "dp-unit"),
        List.of(new DecimalType("1.0"), new DecimalType("0.001"), new DecimalType("1.0"), new CodeType("record")))))
        .isEmpty();
  }

  @Test
  void anEpsilonDeltaOrClipWrittenAsTextIsAnErrorNamingSpDec() {
    for (String name : List.of("dp-epsilon", "dp-delta", "dp-clip")) {
      assertThat(errors(withParameters(List.of(name), List.of(new StringType("1")))))
          .as(name).anyMatch(e -> e.contains("sp-dec"));
    }
  }

  @Test
  void aUnitWrittenAsTextIsAnErrorNamingSpCode() {
    assertThat(errors(withParameters(List.of("dp-epsilon", "dp-unit"), List.of(new DecimalType("1.0"),
        new StringType("record"))))).anyMatch(e -> e.contains("sp-code"));
  }

  private static List<String> errors(PlanDefinition pd) {
    return ExamplesTest.errors(SharedIg.get().validateWithResult(pd, FedFhirIg.FEDERATED_STUDY));
  }

  private static PlanDefinition withParameters(List<String> names, List<Type> values) {
    PlanDefinition pd = ((PlanDefinition) ExamplesTest.example("PlanDefinition", "heart-disease")).copy();
    for (int i = 0; i < names.size(); i++) {
      Extension e = pd.addExtension().setUrl(FedFhirIg.CANONICAL + "/StructureDefinition/study-parameter");
      e.addExtension("name", new CodeType(names.get(i)));
      e.addExtension("value", values.get(i));
    }
    return pd;
  }
}
