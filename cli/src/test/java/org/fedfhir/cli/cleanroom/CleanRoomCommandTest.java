package org.fedfhir.cli.cleanroom;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import org.fedfhir.cli.FedFhir;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.securecompute.sealing.Hpke;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.tee.cleanroom.CleanRoom;
import org.fedfhir.tee.cleanroom.CleanRoomResult;
import org.fedfhir.tee.cleanroom.RowTable;
import org.fedfhir.tee.cleanroom.RowsPayload;
import org.fedfhir.tee.cleanroom.SandboxLimits;
import org.fedfhir.tee.cleanroom.WasmSandbox;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A researcher's clean-room round trip on the command line: {@code keygen}, {@code seal-to} the
 * guide's median study, a run in the enclave's clean room, and {@code open} of its answer; and what
 * goes wrong is said plainly.
 */
class CleanRoomCommandTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  @TempDir
  Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new FedFhir()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  /** The answer $clean-room-result gives for {@code study} after three sites' rows ran through the clean room. */
  private static Parameters answerOf(PlanDefinition study) throws Exception {
    SealingKeyPair enclave = SealingKeyPair.generate(new SecureRandom());
    CleanRoom room = new CleanRoom(enclave, new WasmSandbox(SandboxLimits.DEFAULT));
    String digest = room.digest(study);
    String program = ((StudyDefinition.CleanRoom) new StudyParser().parse(study)).program().sha256();
    for (String site : List.of("cleveland", "hungarian", "va")) {
      double[] values = new double[24];
      for (int i = 0; i < 12; i++) {
        values[2 * i] = 200 + 3 * i + site.length();
        values[2 * i + 1] = i % 2;
      }
      room.submit(study, site, Hpke.seal(enclave.publicKey(), SealingContext.forCleanRoomRows(digest, program, site),
          RowsPayload.encode(new RowTable(List.of("chol", "label"), values))).toBytes());
    }
    CleanRoomResult result = room.result(digest);
    Parameters answer = new Parameters();
    answer.addParameter().setName("study").setValue(new CanonicalType(result.studyUrl()));
    answer.addParameter().setName("studyDigest").setValue(new StringType(digest));
    answer.addParameter().setName("programSha256").setValue(new StringType(result.programSha256()));
    result.sites().forEach(s -> answer.addParameter().setName("site").setValue(new StringType(s)));
    answer.addParameter().setName("outputSha256").setValue(new StringType(result.outputSha256()));
    answer.addParameter().setName("released").setValue(new IntegerType(result.released().size()));
    answer.addParameter().setName("suppressed").setValue(new IntegerType(result.suppressed().size()));
    answer.addParameter().setName("sealedResult").setValue(new Base64BinaryType(room.sealedResult(digest)));
    return answer;
  }

  @Test
  void keygenSealToAndOpenGiveTheResearcherTheQuartilesAndNobodyElse() throws Exception {
    Path key = dir.resolve("researcher.key");
    Path guideStudy = dir.resolve("clean-room-median.json");
    try (InputStream in = FedFhirIg.class.getClassLoader()
        .getResourceAsStream("org/fedfhir/ig/generated/resources/PlanDefinition-clean-room-median.json")) {
      Files.write(guideStudy, in.readAllBytes());
    }

    assertThat(run("clean-room", "keygen", "--out", key.toString())).as(err.toString()).isZero();
    String publicKey = out.toString().trim();
    assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(key)).doesNotContain(publicKey);
    assertThat(run("clean-room", "keygen", "--out", key.toString())).as("never over an existing key").isEqualTo(2);

    out.getBuffer().setLength(0);
    Path study = dir.resolve("study.json");
    assertThat(run("clean-room", "seal-to", guideStudy.toString(), "--key", key.toString(), "--out", study.toString()))
        .as(err.toString()).isZero();
    PlanDefinition sealedTo = FHIR.newJsonParser().parseResource(PlanDefinition.class, Files.readString(study));
    assertThat(out.toString().trim()).isEqualTo("sha256:" + StudyDigest.sha256Hex(FHIR, sealedTo));
    assertThat(java.util.Base64.getEncoder().encodeToString(
        ((StudyDefinition.CleanRoom) new StudyParser().parse(sealedTo)).resultKey())).isEqualTo(publicKey);

    Path answer = dir.resolve("answer.json");
    Files.writeString(answer, FHIR.newJsonParser().encodeResourceToString(answerOf(sealedTo)));
    out.getBuffer().setLength(0);
    assertThat(run("clean-room", "open", answer.toString(), "--key", key.toString())).as(err.toString()).isZero();
    // the pooled median of the 36 values answerOf delivered: the mean of the 18th and 19th in order
    double[] pooled = java.util.stream.Stream.of("cleveland", "hungarian", "va")
        .flatMapToDouble(site -> java.util.stream.IntStream.range(0, 12).mapToDouble(i -> 200 + 3 * i + site.length()))
        .sorted().toArray();
    assertThat(out.toString()).contains("sites cleveland, hungarian, va").contains("12 records released")
        .containsPattern("median +all +" + java.util.regex.Pattern.quote(String.valueOf((pooled[17] + pooled[18]) / 2)));

    Path other = dir.resolve("other.key");
    run("clean-room", "keygen", "--out", other.toString());
    err.getBuffer().setLength(0);
    assertThat(run("clean-room", "open", answer.toString(), "--key", other.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("does not open with this key");
  }
}
