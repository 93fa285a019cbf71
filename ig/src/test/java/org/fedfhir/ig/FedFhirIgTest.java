package org.fedfhir.ig;

import org.fedfhir.ig.tools.FhirPackageCacheAssembler;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class FedFhirIgTest {

  private static PlanDefinition heartDiseaseStudy() {
    FedFhirIg ig = SharedIg.get();
    return ig.copy(ig.examples().stream().filter(PlanDefinition.class::isInstance).map(PlanDefinition.class::cast)
        .filter(p -> p.getIdElement().getIdPart().equals("heart-disease")).findFirst().orElseThrow());
  }

  @Test
  void serversOfOneJvmShareOneGuideThatHoldsStudiesToItsProfile() {
    FedFhirIg guide = FedFhirIg.loadCached().join();
    assertThat(FedFhirIg.loadCached().join()).isSameAs(guide);

    PlanDefinition study = heartDiseaseStudy();
    assertThat(FedFhirIg.hasErrors(guide.validateStudy(study))).isFalse();
    study.getActionFirstRep().getInput().clear();
    assertThat(FedFhirIg.hasErrors(guide.validateStudy(study))).isTrue();
  }

  @Test
  void studyIsValidatedAgainstFederatedStudyEvenWithoutMetaProfile() {
    PlanDefinition study = heartDiseaseStudy();
    study.getMeta().getProfile().clear();

    assertThat(FedFhirIg.hasErrors(SharedIg.get().validateStudy(study))).isFalse();

    study.getActionFirstRep().getInput().clear();
    OperationOutcome outcome = SharedIg.get().validateStudy(study);
    assertThat(FedFhirIg.hasErrors(outcome)).isTrue();
    assertThat(outcome.getIssue()).anySatisfy(i -> assertThat(i.getDiagnostics())
        .contains("PlanDefinition.action.input: minimum required = 1"));
  }

  @Test
  void theExampleStudyDeclaresRiskBandsAndBandsOutOfOrderAreRefused() {
    PlanDefinition study = heartDiseaseStudy();
    org.hl7.fhir.r4.model.Extension bands = study.getExtensionByUrl(CANONICAL_RISK_BANDS);
    assertThat(bands.getExtensionByUrl("low").getValue().primitiveValue()).isEqualTo("0.15");
    assertThat(bands.getExtensionByUrl("high").getValue().primitiveValue()).isEqualTo("0.6");
    assertThat(FedFhirIg.hasErrors(SharedIg.get().validateStudy(study))).isFalse();

    bands.getExtensionByUrl("high").setValue(new org.hl7.fhir.r4.model.DecimalType("0.1"));
    OperationOutcome outcome = SharedIg.get().validateStudy(study);

    assertThat(outcome.getIssue()).filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
        .extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
        .anySatisfy(d -> assertThat(d).contains("rb-order"));
  }

  private static final String CANONICAL_RISK_BANDS = FedFhirIg.CANONICAL + "/StructureDefinition/risk-bands";

  @Test
  void plainPlanDefinitionIsNotAStudy() {
    PlanDefinition plain = new PlanDefinition();
    plain.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);

    OperationOutcome outcome = SharedIg.get().validateStudy(plain);

    assertThat(outcome.getIssue()).filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
        .extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
        .anySatisfy(d -> assertThat(d).contains("PlanDefinition.url: minimum required = 1"))
        .anySatisfy(d -> assertThat(d).contains("PlanDefinition.action: minimum required = 1"));
  }

  @Test
  void profilesAreServedWithSnapshots() {
    assertThat(SharedIg.get().structureDefinitions()).hasSizeGreaterThanOrEqualTo(15)
        .allSatisfy(sd -> assertThat(sd.getSnapshot().getElement()).as(sd.getUrl()).isNotEmpty());
    StructureDefinition study = SharedIg.get().structureDefinition(FedFhirIg.FEDERATED_STUDY).orElseThrow();
    assertThat(study.getSnapshot().getElement()).anySatisfy(e -> {
      assertThat(e.getPath()).isEqualTo("PlanDefinition.action");
      assertThat(e.getMax()).isEqualTo("1");
    });
  }

  @Test
  void heartDiseaseStudyHasTheThirteenUciFeaturesAndTheCoronaryDiseaseLabel() {
    PlanDefinition study = heartDiseaseStudy();
    assertThat(study.getActionFirstRep().getInput())
        .extracting(i -> i.getExtensionByUrl("http://fedfhir.org/fhir/StructureDefinition/feature")
            .getExtensionByUrl("name").getValue().primitiveValue())
        .containsExactly("age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak",
            "slope", "ca", "thal");
    assertThat(study.getActionFirstRep().getOutputFirstRep().getCodeFilterFirstRep().getCodeFirstRep().getCode())
        .isEqualTo("53741008");
  }

  @Test
  void heartDiseaseCodeSystemHasTheCodesTheStudyFormatDocLists() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "study-format.md"));
    var codes = SharedIg.get().codeSystems().stream()
        .filter(cs -> cs.getUrl().equals("http://fedfhir.org/fhir/CodeSystem/heart-disease-attribute"))
        .findFirst().orElseThrow().getConcept();
    assertThat(codes).hasSize(9).allSatisfy(c ->
        assertThat(doc).contains("`heart-disease-attribute#" + c.getCode() + "` \"" + c.getDisplay() + "\""));
  }

  @Test
  void auditEventEntitiesMatchTheirSlicesByRoleCodeWhateverTheDisplay() {
    FedFhirIg ig = SharedIg.get();
    org.hl7.fhir.r4.model.AuditEvent audit = ig.copy(ig.examples().stream()
        .filter(org.hl7.fhir.r4.model.AuditEvent.class::isInstance).map(org.hl7.fhir.r4.model.AuditEvent.class::cast)
        .findFirst().orElseThrow());
    audit.getEntity().forEach(e -> e.getRole().setDisplay(null));

    OperationOutcome outcome = ig.validate(audit, FedFhirIg.FEDFHIR_AUDIT_EVENT);

    assertThat(FedFhirIg.hasErrors(outcome)).isFalse();
    assertThat(outcome.getIssue()).extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
        .noneSatisfy(d -> assertThat(d).contains("Does not match slice"));
  }

  @Test
  void sushiConfigPinsTheAutomaticDependenciesToTheOfflinePlaceholders() throws IOException {
    String config = Files.readString(Path.of("sushi-config.yaml"));
    for (String id : FhirPackageCacheAssembler.AUTOMATIC_DEPENDENCIES) {
      assertThat(config).contains(id + ": " + FhirPackageCacheAssembler.PLACEHOLDER_VERSION);
    }
  }
}
