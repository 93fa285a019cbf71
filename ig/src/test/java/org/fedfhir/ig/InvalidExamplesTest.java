package org.fedfhir.ig;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every must-fail example of ig/invalid/ fails validation with the message its manifest entry records. */
class InvalidExamplesTest {

  private static final String DIR = "org/fedfhir/ig/invalid/";

  record Case(String file, String profile, String rule, String expectedMessage) {
    @Override
    public String toString() {
      return file + " (" + rule + ")";
    }
  }

  static List<Case> cases() throws IOException {
    JsonNode manifest = new ObjectMapper().readTree(read("manifest.json"));
    List<Case> cases = new ArrayList<>();
    for (JsonNode entry : manifest) {
      cases.add(new Case(entry.get("file").asText(), entry.get("profile").asText(), entry.get("rule").asText(),
          entry.get("expectedMessage").asText()));
    }
    return cases;
  }

  @Test
  void everyProfileHasMustFailExamples() throws IOException {
    assertThat(cases().stream().map(Case::profile).distinct())
        .contains(FedFhirIg.FEDERATED_STUDY, FedFhirIg.STUDY_APPROVAL, FedFhirIg.TRAINING_TASK,
            FedFhirIg.FEDERATED_RISK_ASSESSMENT, FedFhirIg.FEDERATED_MODEL_PROVENANCE, FedFhirIg.FEDFHIR_AUDIT_EVENT,
            FedFhirIg.FEDERATED_STATISTICS_STUDY, FedFhirIg.FEDERATED_STATISTICS_REPORT,
            FedFhirIg.FEDERATED_STATISTICS_RESULT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void invalidExampleFailsWithItsExpectedMessage(Case c) throws IOException {
    FedFhirIg ig = SharedIg.get();
    IBaseResource resource = ig.fhirContext().newJsonParser().parseResource(read(c.file()));

    ValidationResult result = ig.validateWithResult(resource, c.profile());

    List<String> errors = result.getMessages().stream()
        .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
        .map(m -> m.getLocationString() + " " + m.getMessage())
        .toList();
    assertThat(errors).as("errors of %s", c.file()).anySatisfy(e -> assertThat(e).contains(c.expectedMessage()));
  }

  private static String read(String file) throws IOException {
    try (InputStream in = InvalidExamplesTest.class.getClassLoader().getResourceAsStream(DIR + file)) {
      assertThat(in).as(DIR + file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
