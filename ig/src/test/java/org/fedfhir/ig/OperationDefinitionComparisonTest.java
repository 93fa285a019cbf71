package org.fedfhir.ig;

import org.hl7.fhir.r4.model.Enumerations.FHIRAllTypes;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationDefinition.OperationParameterUse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OperationDefinitionComparisonTest {

  private static OperationDefinition guideTrain() {
    return SharedIg.get().operationDefinition("train").orElseThrow();
  }

  /** What HAPI FHIR derives from a correctly annotated $train provider. */
  private static OperationDefinition serverTrain() {
    OperationDefinition od = new OperationDefinition();
    od.setCode("$train").addResource("PlanDefinition").setSystem(false).setType(false).setInstance(true)
        .setAffectsState(true);
    od.addParameter().setName("mode").setUse(OperationParameterUse.IN).setMin(0).setMax("1").setType("code");
    od.addParameter().setName("return").setUse(OperationParameterUse.OUT).setMin(1).setMax("1").setType("Task");
    return od;
  }

  @Test
  void serverDefinitionThatAgreesWithTheGuidePasses() {
    assertThat(OperationDefinitionComparison.compare(guideTrain(), serverTrain())).isEmpty();
    OperationDefinitionComparison.assertMatchesGuide(SharedIg.get(), serverTrain());
  }

  @Test
  void everyDepartureIsReported() {
    OperationDefinition server = serverTrain();
    server.getParameter().get(0).setMax("*").setType(FHIRAllTypes.STRING.toCode());
    server.getParameter().remove(1);
    server.addParameter().setName("rounds").setUse(OperationParameterUse.IN).setMin(0).setMax("1").setType("integer");
    server.setAffectsState(false);

    assertThat(OperationDefinitionComparison.compare(guideTrain(), server)).extracting(Object::toString)
        .containsExactlyInAnyOrder(
            "$train: affectsState expected true but was false",
            "$train parameter mode (in): max expected 1 but was *",
            "$train parameter mode (in): type expected code but was string",
            "$train parameter return (out): presence expected present but was missing",
            "$train parameter rounds (in): presence expected absent but was present");
  }

  @Test
  void assertionListsTheDifferences() {
    OperationDefinition server = serverTrain();
    server.getParameter().get(0).setMin(1);

    assertThatThrownBy(() -> OperationDefinitionComparison.assertMatchesGuide(SharedIg.get(), server))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("http://fedfhir.org/fhir/OperationDefinition/train")
        .hasMessageContaining("$train parameter mode (in): min expected 0 but was 1");
  }
}
