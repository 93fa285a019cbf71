package org.fedfhir.cli.study;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedfhir.cli.FedFhir;
import org.fedfhir.fhir.cohort.ApprovalGate;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StudyCommandTest {
  @TempDir
  Path dir;

  @Test
  void digestPrintsWhatAnApprovalMustNameForThatStudy() throws Exception {
    Path file = dir.resolve("heart-disease-lr.json");
    try (InputStream in = StudyCommandTest.class.getResourceAsStream("/studies/heart-disease-lr.json")) {
      Files.write(file, in.readAllBytes());
    }
    PlanDefinition study = FhirContext.forR4Cached().newJsonParser()
        .parseResource(PlanDefinition.class, Files.readString(file));
    String approved = ApprovalGate.approving(FhirContext.forR4Cached(), study)
        .getExtensionByUrl(ApprovalGate.DIGEST_EXTENSION).getValue().primitiveValue();

    StringWriter out = new StringWriter();
    int exit = new CommandLine(new FedFhir()).setOut(new PrintWriter(out))
        .execute("study", "digest", file.toString());

    assertThat(exit).isZero();
    assertThat(out.toString().strip()).isEqualTo(approved).matches("sha256:[0-9a-f]{64}");
  }

  @Test
  void aFileThatIsNotAPlanDefinitionIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("patient.json"), "{\"resourceType\":\"Patient\"}");
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new FedFhir()).setErr(new PrintWriter(err))
        .execute("study", "digest", file.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("is not a PlanDefinition");
  }
}
