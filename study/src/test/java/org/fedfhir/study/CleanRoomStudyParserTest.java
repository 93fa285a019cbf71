package org.fedfhir.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Library;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Test;

/** A {@code clean-room} study: its contained program Library, checked by hash, inputs, outputs and rule. */
class CleanRoomStudyParserTest {

  private static final byte[] MODULE = {0, 'a', 's', 'm', 1, 0, 0, 0};
  static final byte[] RESULT_KEY = new byte[32];
  private static final CleanRoomProgram.Disclosure RULE = new CleanRoomProgram.Disclosure(CleanRoomProgram.GroupBy.LABEL, 10);
  private final StudyParser parser = new StudyParser();

  static PlanDefinition cleanRoomStudy() {
    return CleanRoomDeclarations.asCleanRoomStudy(StudyParserTest.reference(), MODULE, "text/x-c",
        "int run(void) { return 0; }".getBytes(StandardCharsets.UTF_8), List.of("n", "median"), RULE, RESULT_KEY);
  }

  private static Library program(PlanDefinition pd) {
    return (Library) pd.getContained().get(0);
  }

  @Test
  void parsesTheProgramItsHashOutputsAndDisclosureRule() throws Exception {
    StudyDefinition study = parser.parse(cleanRoomStudy());

    assertThat(study).isInstanceOf(StudyDefinition.CleanRoom.class);
    assertThat(study.kind()).isEqualTo(StudyKind.CLEAN_ROOM);
    CleanRoomProgram program = ((StudyDefinition.CleanRoom) study).program();
    assertThat(program.sha256()).isEqualTo(HexFormat.of().formatHex(CleanRoomDeclarations.sha256(MODULE)));
    assertThat(program.wasm()).isEqualTo(MODULE);
    assertThat(program.outputs()).containsExactly("n", "median");
    assertThat(program.disclosure()).isEqualTo(RULE);
    assertThat(study.featureNames()).isEqualTo(parser.parse(StudyParserTest.reference()).featureNames());
  }

  @Test
  void survivesAJsonRoundTripWithTheSameProgram() throws Exception {
    FhirContext fhir = FhirContext.forR4Cached();
    String json = fhir.newJsonParser().encodeResourceToString(cleanRoomStudy());

    StudyDefinition study = parser.parse(fhir.newJsonParser().parseResource(PlanDefinition.class, json));

    assertThat(((StudyDefinition.CleanRoom) study).program()).isEqualTo(((StudyDefinition.CleanRoom) parser.parse(cleanRoomStudy())).program());
  }

  @Test
  void refusesAModuleWhoseBytesDoNotMatchTheDeclaredHash() {
    PlanDefinition pd = cleanRoomStudy();
    program(pd).getContentFirstRep().setData(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 0});

    assertThatThrownBy(() -> parser.parse(pd)).isInstanceOf(InvalidStudyException.class)
        .hasMessageContaining("content[wasm].extension[attachment-sha256]")
        .hasMessageContaining("is not the SHA-256 of the module's data")
        .hasMessageContaining("content[wasm].hash");
  }

  @Test
  void refusesAProgramWithoutItsSource() {
    PlanDefinition pd = cleanRoomStudy();
    program(pd).getContent().remove(1);

    assertThatThrownBy(() -> parser.parse(pd)).hasMessageContaining("needs the program's source");
  }

  @Test
  void refusesAProgramWhoseDeclaredInputsDifferFromTheStudysFeatures() {
    PlanDefinition pd = cleanRoomStudy();
    program(pd).getDataRequirement().remove(0);

    assertThatThrownBy(() -> parser.parse(pd)).hasMessageContaining("must repeat the study's features");
  }

  @Test
  void refusesAMinimumCountThatWouldReleaseASingleRow() {
    PlanDefinition pd = cleanRoomStudy();
    program(pd).getExtensionByUrl(CleanRoomDeclarations.EXT_DISCLOSURE).getExtensionByUrl("minCount")
        .setValue(new IntegerType(1));

    assertThatThrownBy(() -> parser.parse(pd)).hasMessageContaining("minCount")
        .hasMessageContaining("a group of one row is a row");
  }

  @Test
  void refusesAStudyWhoseLibraryReferenceNamesNoContainedLibrary() {
    PlanDefinition pd = cleanRoomStudy();
    pd.getContained().clear();

    assertThatThrownBy(() -> parser.parse(pd)).hasMessageContaining("contains no Library with that id");
  }

  @Test
  void refusesAnOutputDeclaredTwice() {
    PlanDefinition pd = cleanRoomStudy();
    program(pd).addExtension().setUrl(CleanRoomDeclarations.EXT_OUTPUT)
        .addExtension("name", new org.hl7.fhir.r4.model.StringType("median"));

    assertThatThrownBy(() -> parser.parse(pd)).hasMessageContaining("output 'median' is declared twice");
  }

  @Test
  void refusesAStudyWhoseResultIsSealedToNoResearchersKey() {
    PlanDefinition pd = cleanRoomStudy();
    program(pd).getExtension().removeIf(e -> e.getUrl().equals(CleanRoomDeclarations.EXT_RESULT_KEY));
    PlanDefinition shortKey = CleanRoomDeclarations.withResultKey(cleanRoomStudy(), RESULT_KEY);
    program(shortKey).getExtensionByUrl(CleanRoomDeclarations.EXT_RESULT_KEY)
        .setValue(new org.hl7.fhir.r4.model.Base64BinaryType(new byte[31]));

    assertThatThrownBy(() -> parser.parse(pd)).hasMessageContaining("extension[resultKey]")
        .hasMessageContaining("32-byte X25519 public key");
    assertThatThrownBy(() -> parser.parse(shortKey)).hasMessageContaining("extension[resultKey]");
  }

  @Test
  void readsTheResearchersKeyTheResultIsSealedTo() throws Exception {
    byte[] key = new byte[32];
    key[0] = 7;

    StudyDefinition study = parser.parse(CleanRoomDeclarations.withResultKey(cleanRoomStudy(), key));

    assertThat(((StudyDefinition.CleanRoom) study).resultKey()).isEqualTo(key);
  }
}
