package org.fedfhir.ig;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ExamplesTest {

  static Stream<Resource> examples() {
    return SharedIg.get().examples().stream();
  }

  @Test
  void guideHasAnExampleOfEveryProfile() {
    List<String> claimed = SharedIg.get().examples().stream()
        .flatMap(r -> r.getMeta().getProfile().stream().map(p -> p.getValue()))
        .distinct().toList();
    assertThat(claimed).contains(FedFhirIg.FEDERATED_STUDY, FedFhirIg.STUDY_APPROVAL, FedFhirIg.TRAINING_TASK,
        FedFhirIg.FEDERATED_RISK_ASSESSMENT, FedFhirIg.FEDERATED_MODEL_PROVENANCE, FedFhirIg.FEDFHIR_AUDIT_EVENT,
            FedFhirIg.FEDERATED_STATISTICS_STUDY, FedFhirIg.FEDERATED_STATISTICS_REPORT,
            FedFhirIg.FEDERATED_STATISTICS_RESULT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleValidatesAgainstItsProfileWithoutErrors(Resource example) {
    assertThat(example.getMeta().getProfile()).as("meta.profile of %s", example.getId()).isNotEmpty();
    String profile = example.getMeta().getProfile().get(0).getValue();

    ValidationResult result = SharedIg.get().validateWithResult(example, profile);

    assertThat(errors(result)).as("errors validating %s against %s", example.getIdElement().getValue(), profile).isEmpty();
  }

  @Test
  void theApprovalExampleNamesTheStudyDigestOfTheStudyExample() {
    PlanDefinition study = (PlanDefinition) example("PlanDefinition", "heart-disease");
    ResearchStudy approval = (ResearchStudy) example("ResearchStudy", "heart-disease-approval");

    assertThat(approval.getExtensionByUrl(FedFhirIg.CANONICAL + "/StructureDefinition/approved-study-digest")
        .getValue().primitiveValue())
        .isEqualTo("sha256:" + StudyDigest.sha256Hex(FhirContext.forR4Cached(), study));
  }

  static Resource example(String type, String id) {
    return SharedIg.get().examples().stream()
        .filter(r -> r.fhirType().equals(type) && r.getIdElement().getIdPart().equals(id))
        .findFirst().orElseThrow();
  }

  static List<String> errors(ValidationResult result) {
    return result.getMessages().stream()
        .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
        .map(SingleValidationMessage::toString)
        .toList();
  }
}
