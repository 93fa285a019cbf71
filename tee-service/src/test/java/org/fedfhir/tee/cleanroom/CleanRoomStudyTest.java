package org.fedfhir.tee.cleanroom;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.ig.StudyDigest;
import org.fedfhir.study.CleanRoomDeclarations;
import org.fedfhir.study.CleanRoomProgram;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The guide's clean-room study example runs the committed median program, and its digest binds the module. */
public class CleanRoomStudyTest {

  private static PlanDefinition example;

  @BeforeAll
  static void loadGuide() {
    example = guideExample();
  }

  /** The guide's example clean-room study (median.wasm over chol, by label, at least 10 rows a group). */
  public static PlanDefinition guideExample() {
    try (InputStream in = FedFhirIg.class.getResourceAsStream("generated/resources/PlanDefinition-clean-room-median.json")) {
      assertThat(in).as("the guide's example PlanDefinition/clean-room-median").isNotNull();
      return FhirContext.forR4Cached().newJsonParser().parseResource(PlanDefinition.class, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void guideExampleIsACleanRoomStudyOfTheCommittedMedianProgram() throws Exception {
    StudyDefinition.CleanRoom study = (StudyDefinition.CleanRoom) new StudyParser().parse(example);

    byte[] median = ExampleProgramsTest.example("median");
    assertThat(study.program().wasm()).as("the example's module is median.wasm (rerun ig/build.sh after rebuilding it)")
        .isEqualTo(median);
    assertThat(study.program().sha256()).isEqualTo(WasmProgram.sha256(median));
    assertThat(study.program().outputs()).containsExactly("n", "q1", "median", "q3");
    assertThat(study.program().disclosure())
        .isEqualTo(new CleanRoomProgram.Disclosure(CleanRoomProgram.GroupBy.LABEL, 10));
    assertThat(new WasmSandbox(SandboxLimits.DEFAULT).load(study.program().wasm()).sha256()).isEqualTo(study.program().sha256());
  }

  @Test
  void anotherModuleMakesAnotherStudyDigestSoApprovalsOfTheFirstDoNotCoverIt() {
    FhirContext fhir = FhirContext.forR4Cached();
    PlanDefinition swapped = CleanRoomDeclarations.asCleanRoomStudy(example, ExampleProgramsTest.example("stump"),
        "text/x-c", "stump".getBytes(StandardCharsets.UTF_8), List.of("n", "q1", "median", "q3"),
        new CleanRoomProgram.Disclosure(CleanRoomProgram.GroupBy.LABEL, 10), new byte[32]);
    PlanDefinition same = CleanRoomDeclarations.asCleanRoomStudy(example, ExampleProgramsTest.example("median"),
        "text/x-c", "stump".getBytes(StandardCharsets.UTF_8), List.of("n", "q1", "median", "q3"),
        new CleanRoomProgram.Disclosure(CleanRoomProgram.GroupBy.LABEL, 10), new byte[32]);

    assertThat(StudyDigest.sha256Hex(fhir, swapped)).isNotEqualTo(StudyDigest.sha256Hex(fhir, same));
    assertThat(StudyDigest.sha256Hex(fhir, example)).isNotEqualTo(StudyDigest.sha256Hex(fhir, swapped));
  }

  @Test
  void anotherResearchersKeyMakesAnotherStudyDigestSoStewardsApproveWhoReadsTheResult() {
    FhirContext fhir = FhirContext.forR4Cached();
    byte[] otherKey = new byte[32];
    otherKey[31] = 9;

    PlanDefinition resealed = CleanRoomDeclarations.withResultKey(example, otherKey);

    assertThat(StudyDigest.sha256Hex(fhir, resealed)).isNotEqualTo(StudyDigest.sha256Hex(fhir, example));
  }
}
