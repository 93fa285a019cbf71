package org.fedfhir.ig;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The guide's rules for an {@code mlp} study's {@code hidden-layers} and {@code dropout} (sp-hidden-layers, sp-dropout). */
class NetworkParameterRulesTest {

  @ParameterizedTest(name = "hidden-layers \"{0}\" valid: {1}")
  @CsvSource(delimiter = ';', value = {"16;true", "32,16;true", "256,1;true", "257;false", "0;false", "8,8,8;false",
      "16, 8;false", "wide;false"})
  void hiddenLayersAreOneOrTwoWidthsFromOneTo256(String widths, boolean valid) {
    assertThat(errors(withParameter("hidden-layers", new StringType(widths))))
        .as("errors").matches(e -> valid == e.isEmpty(), valid ? "none" : "one naming sp-hidden-layers");
  }

  @ParameterizedTest(name = "dropout {0} valid: {1}")
  @CsvSource({"0,true", "0.5,true", "1,false", "-0.1,false"})
  void dropoutIsInZeroToOne(String dropout, boolean valid) {
    assertThat(errors(withParameter("dropout", new DecimalType(dropout)))).matches(e -> valid == e.isEmpty());
  }

  private static java.util.List<String> errors(PlanDefinition pd) {
    return ExamplesTest.errors(SharedIg.get().validateWithResult(pd, FedFhirIg.FEDERATED_STUDY));
  }

  private static PlanDefinition withParameter(String name, Type value) {
    PlanDefinition pd = ((PlanDefinition) ExamplesTest.example("PlanDefinition", "heart-disease-mlp")).copy();
    pd.getExtension().removeIf(e -> e.getUrl().equals(FedFhirIg.CANONICAL + "/StructureDefinition/study-parameter")
        && name.equals(e.getExtensionByUrl("name").getValue().primitiveValue()));
    Extension e = pd.addExtension().setUrl(FedFhirIg.CANONICAL + "/StructureDefinition/study-parameter");
    e.addExtension("name", new org.hl7.fhir.r4.model.CodeType(name));
    e.addExtension("value", value);
    return pd;
  }
}
