package org.fedfhir.tee.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.fedfhir.access.ClientTls;
import org.fedfhir.ig.StudyDigest;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.attestation.VerifiedAttestation;
import org.fedfhir.securecompute.sealing.Hpke;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.study.CleanRoomDeclarations;
import org.fedfhir.study.StudyUrls;
import org.fedfhir.tee.cleanroom.CleanRoomStudyTest;
import org.fedfhir.tee.cleanroom.ExampleProgramsTest;
import org.fedfhir.tee.cleanroom.ResultParameters;
import org.fedfhir.tee.cleanroom.ResultRecord;
import org.fedfhir.tee.cleanroom.RowTable;
import org.fedfhir.tee.cleanroom.SandboxLimits;
import org.fedfhir.tee.cleanroom.UciHeartRows;
import org.fedfhir.tee.cleanroom.WasmProgram;
import org.fedfhir.tee.cleanroom.WasmSandbox;
import org.fedfhir.tee.client.CleanRoomSealer;
import org.fedfhir.tee.client.TeeClient;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clean room over the TEE's FHIR API, as the sites, the aggregator and a security reviewer meet
 * it: four UCI centres deliver their sealed (chol, label) rows with {@code $clean-room-submit}, the
 * receipt and the sealed result come back from {@code $clean-room-result}, and only the researcher's
 * key opens the quartiles; every body on the wire is inspected.
 */
class CleanRoomOperationsTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final SealingKeyPair RESEARCHER = SealingKeyPair.generate(RANDOM);
  private static final FhirContext FHIR = FhirContext.forR4Cached();

  @TempDir
  Path dir;
  private TestNetwork network;
  private SimulatedTeeService tee;
  /** Every request and response body between a party and the TEE in the test, in order. */
  private final List<String> wire = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws Exception {
    network = new TestNetwork(dir);
    tee = SimulatedTeeService.start("127.0.0.1", 0, network.teeTls());
  }

  @AfterEach
  void stop() throws Exception {
    tee.close();
  }

  /** The guide's median study with {@code minSites}, its result sealed to the test's researcher. */
  private static PlanDefinition study(int minSites) {
    PlanDefinition study = CleanRoomDeclarations.withResultKey(CleanRoomStudyTest.guideExample(), RESEARCHER.publicKey());
    for (Extension parameter : study.getExtensionsByUrl(StudyUrls.EXT_PARAMETER)) {
      if ("min-sites".equals(parameter.getExtensionByUrl("name").getValue().primitiveValue())) {
        parameter.getExtensionByUrl("value").setValue(new IntegerType(minSites));
      }
    }
    return study;
  }

  private VerifiedAttestation attestedBy(String site) throws Exception {
    AttestationVerifier trusting = new AttestationVerifier(AttestationPolicy.builder()
        .allowSimulatedEvidence(tee.platformPublicKey()).trustMeasurement(tee.measurement()).build());
    return new TeeClient(network.client(site, "site", tee.server().baseUrl()), trusting, Clock.systemUTC(), RANDOM)
        .attestation();
  }

  private HttpResponse<String> call(String name, String role, String operation, Parameters in) throws Exception {
    network.issue(name, role);
    HttpClient http = HttpClient.newBuilder().sslContext(ClientTls.mutual(network.file(name + "-cert.pem"),
        network.file(name + "-key.pem"), network.file("ca.pem"))).build();
    String body = FHIR.newJsonParser().encodeResourceToString(in);
    wire.add(body);
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(tee.server().baseUrl() + "/" + operation))
        .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    wire.add(response.body());
    return response;
  }

  private HttpResponse<String> submit(String site, PlanDefinition study, byte[] sealedRows) throws Exception {
    Parameters in = new Parameters();
    in.addParameter().setName(TeeOperations.STUDY).setResource(study);
    in.addParameter().setName(TeeOperations.SEALED_ROWS).setValue(new Base64BinaryType(sealedRows));
    return call(site, "site", TeeOperations.CLEAN_ROOM_SUBMIT, in);
  }

  private HttpResponse<String> result(String name, String role, String digest) throws Exception {
    Parameters in = new Parameters();
    in.addParameter().setName(TeeOperations.STUDY_DIGEST).setValue(new StringType(digest));
    return call(name, role, TeeOperations.CLEAN_ROOM_RESULT, in);
  }

  private static Parameters parameters(HttpResponse<String> response) {
    return FHIR.newJsonParser().parseResource(Parameters.class, response.body());
  }

  @Test
  void fourSitesDeliverTheResearcherAloneOpensTheQuartilesAndTheWireCarriesOnlyCiphertextAndTheReceipt()
      throws Exception {
    PlanDefinition study = study(4);
    String digest = StudyDigest.sha256Hex(FHIR, study);
    String program = WasmProgram.sha256(ExampleProgramsTest.example("median"));
    List<RowTable> centres = new ArrayList<>();
    for (String centre : UciHeartRows.CENTRES) {
      centres.add(UciHeartRows.cholAndLabel(UciHeartRows.centre(centre)));
    }

    for (int s = 0; s < 4; s++) {
      String site = UciHeartRows.CENTRES.get(s);
      if (s == 3) {
        HttpResponse<String> early = result("cleveland", "site", digest);
        assertThat(early.statusCode()).as(early.body()).isEqualTo(412);
        assertThat(early.body()).contains("result-not-ready").contains("3 of 4 sites");
      }
      HttpResponse<String> delivered = submit(site, study,
          CleanRoomSealer.seal(attestedBy(site), digest, program, site, centres.get(s)));
      assertThat(delivered.statusCode()).as(delivered.body()).isEqualTo(200);
      Parameters ack = parameters(delivered);
      assertThat(ack.getParameterValue(TeeOperations.STUDY_DIGEST).primitiveValue()).isEqualTo(digest);
      assertThat(((IntegerType) ack.getParameterValue(TeeOperations.DELIVERED)).getValue()).isEqualTo(s + 1);
      assertThat(ack.getParameterValue(TeeOperations.RAN).primitiveValue()).isEqualTo(String.valueOf(s == 3));
    }
    HttpResponse<String> stranger = result("bern", "site", digest);
    assertThat(stranger.statusCode()).as("a site that delivered no rows").isEqualTo(403);
    assertThat(stranger.body()).doesNotContain(TeeOperations.SEALED_RESULT);

    HttpResponse<String> relayed = result("aggregator", "aggregator", digest);
    assertThat(relayed.statusCode()).as(relayed.body()).isEqualTo(200);
    Parameters receipt = parameters(relayed);
    assertThat(receipt.getParameterValue(TeeOperations.PROGRAM_SHA256).primitiveValue()).isEqualTo(program);
    assertThat(receipt.getParameterValues(TeeOperations.SITE)).extracting(v -> v.primitiveValue())
        .containsExactly("cleveland", "hungarian", "switzerland", "va");
    String output = receipt.getParameterValue(TeeOperations.OUTPUT_SHA256).primitiveValue();
    byte[] sealed = ((Base64BinaryType) receipt.getParameterValue(TeeOperations.SEALED_RESULT)).getValue();
    Parameters opened = FHIR.newJsonParser().parseResource(Parameters.class, new String(Hpke.open(RESEARCHER,
        SealingContext.forCleanRoomResult(digest, program, output), sealed), StandardCharsets.UTF_8));

    WasmSandbox plain = new WasmSandbox(SandboxLimits.DEFAULT);
    List<ResultRecord> pooled = ResultRecord.decode(plain.run(plain.load(ExampleProgramsTest.example("median")),
        UciHeartRows.pooled(UciHeartRows.all())).result());
    assertThat(ResultParameters.records(opened)).as("the quartiles of the pooled UCI rows, exactly").isEqualTo(pooled);
    assertThat(WasmProgram.sha256(ResultRecord.encode(pooled))).isEqualTo(output);
    assertThat(((IntegerType) receipt.getParameterValue(TeeOperations.RELEASED)).getValue()).isEqualTo(pooled.size());

    assertOnlyCiphertextAndTheReceipt(study, centres, pooled);
  }

  /**
   * Every body on the wire is a Parameters (or an OperationOutcome) whose values are the study, a
   * digest, a site, a count or a ciphertext, and no ciphertext holds a row's or a result's value in
   * the clear (as the 8 little-endian bytes the payloads would carry).
   */
  private void assertOnlyCiphertextAndTheReceipt(PlanDefinition study, List<RowTable> centres, List<ResultRecord> result) {
    Set<String> names = Set.of(TeeOperations.STUDY, TeeOperations.SEALED_ROWS, TeeOperations.STUDY_DIGEST,
        TeeOperations.DELIVERED, TeeOperations.NEEDED, TeeOperations.RAN, TeeOperations.PROGRAM_SHA256,
        TeeOperations.SITE, TeeOperations.OUTPUT_SHA256, TeeOperations.RELEASED, TeeOperations.SUPPRESSED,
        TeeOperations.SEALED_RESULT);
    List<byte[]> secrets = new ArrayList<>();
    for (RowTable centre : centres) {
      for (int i = 0; i < centre.rows(); i++) {
        secrets.add(le(centre.value(i, 0)));
      }
    }
    result.forEach(r -> secrets.add(le(r.value())));
    assertThat(wire).hasSize(2 * 7);
    for (String body : wire) {
      if (body.contains("\"OperationOutcome\"")) {
        continue; // the 412 and 403 above: a code and a sentence
      }
      Parameters p = FHIR.newJsonParser().parseResource(Parameters.class, body);
      for (Parameters.ParametersParameterComponent parameter : p.getParameter()) {
        assertThat(names).as("a parameter on the wire").contains(parameter.getName());
        if (parameter.hasResource()) {
          assertThat(parameter.getResource().equalsDeep(study)).as("the only resource is the approved study").isTrue();
        } else if (parameter.getValue() instanceof Base64BinaryType ciphertext) {
          for (byte[] secret : secrets) {
            assertThat(indexOf(ciphertext.getValue(), secret)).as("a value in the clear in " + parameter.getName())
                .isEqualTo(-1);
          }
        } else if (parameter.getValue() instanceof IntegerType count) {
          assertThat(count.getValue()).as(parameter.getName() + " is a count").isBetween(0, 64);
        } else {
          assertThat(parameter.getValue().primitiveValue()).as(parameter.getName())
              .matches("[0-9a-f]{64}|cleveland|hungarian|switzerland|va|true|false|" + study.getUrl());
        }
      }
    }
  }

  private static byte[] le(double value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value).array();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void aSiteCannotDeliverRowsAsAnotherSiteNorForAStudyItChanged() throws Exception {
    PlanDefinition study = study(2);
    String digest = StudyDigest.sha256Hex(FHIR, study);
    String program = WasmProgram.sha256(ExampleProgramsTest.example("median"));
    byte[] clevelandsRows = CleanRoomSealer.seal(attestedBy("cleveland"), digest, program, "cleveland",
        UciHeartRows.cholAndLabel(UciHeartRows.centre("cleveland")));

    HttpResponse<String> asAnother = submit("hungarian", study, clevelandsRows);
    PlanDefinition changed = study(2).setTitle("another study");
    HttpResponse<String> forChanged = submit("cleveland", changed, clevelandsRows);

    assertThat(asAnother.statusCode()).as(asAnother.body()).isEqualTo(422);
    assertThat(asAnother.body()).contains("sealed-data-not-authenticated");
    assertThat(forChanged.statusCode()).as(forChanged.body()).isEqualTo(422);
    assertThat(result("cleveland", "site", digest).statusCode())
        .as("nothing was counted: cleveland delivered nothing, so may not even ask").isEqualTo(403);
  }
}
