package org.fedfhir.tee.cleanroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.attestation.Measurement;
import org.fedfhir.securecompute.attestation.SimulatedAttester;
import org.fedfhir.securecompute.attestation.UntrustedMeasurementException;
import ca.uhn.fhir.context.FhirContext;
import org.fedfhir.securecompute.sealing.Hpke;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.securecompute.sealing.UnauthenticatedEnvelopeException;
import org.fedfhir.study.CleanRoomDeclarations;
import org.fedfhir.study.CleanRoomProgram;
import org.fedfhir.study.StudyUrls;
import org.fedfhir.tee.client.CleanRoomSealer;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Test;

/**
 * The clean room end to end inside one JVM: four UCI centres attest the simulated enclave, seal their
 * (chol, label) rows for the guide's median study, and only the disclosure-checked quartiles come out;
 * each attack on the way is refused.
 */
class CleanRoomTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Ed25519.KeyPair PLATFORM = Ed25519.generate(RANDOM);
  private static final Measurement ENCLAVE = Measurement.of(new byte[48]);
  /** The researcher whose key the studies here seal their results to. */
  private static final SealingKeyPair RESEARCHER = SealingKeyPair.generate(RANDOM);

  private final SealingKeyPair enclaveKey = SealingKeyPair.generate(RANDOM);
  private final SimulatedAttester attester = new SimulatedAttester(PLATFORM, ENCLAVE, Clock.systemUTC());
  private final CleanRoom room = new CleanRoom(enclaveKey,
      new WasmSandbox(SandboxLimits.DEFAULT.withWallTime(Duration.ofSeconds(30))));
  private final CleanRoomSealer sealer = new CleanRoomSealer(verifierTrusting(ENCLAVE));

  private static AttestationVerifier verifierTrusting(Measurement measurement) {
    return new AttestationVerifier(AttestationPolicy.builder().allowSimulatedEvidence(PLATFORM.publicKey())
        .trustMeasurement(measurement).build());
  }

  /** The guide's median study, needing {@code minSites} sites. */
  private static PlanDefinition medianStudy(int minSites) {
    PlanDefinition study = CleanRoomDeclarations.withResultKey(CleanRoomStudyTest.guideExample(), RESEARCHER.publicKey());
    for (Extension parameter : study.getExtensionsByUrl(StudyUrls.EXT_PARAMETER)) {
      if ("min-sites".equals(parameter.getExtensionByUrl("name").getValue().primitiveValue())) {
        parameter.getExtensionByUrl("value").setValue(new IntegerType(minSites));
      }
    }
    return study;
  }

  /** The median study's features running another program. */
  private static PlanDefinition studyRunning(String fixture, int minSites, List<String> outputs) {
    return CleanRoomDeclarations.asCleanRoomStudy(medianStudy(minSites), WasmSandboxTest.fixture(fixture), "text/x-c",
        fixture.getBytes(StandardCharsets.UTF_8), outputs,
        new CleanRoomProgram.Disclosure(CleanRoomProgram.GroupBy.LABEL, 10), RESEARCHER.publicKey());
  }

  private byte[] sealAsSite(PlanDefinition study, String programSha256, String site, RowTable rows) throws Exception {
    byte[] nonce = sealer.freshNonce();
    return sealer.seal(attester.attest(nonce, enclaveKey.publicKey(), new byte[0]), nonce, room.digest(study),
        programSha256, site, rows);
  }

  private static String sha256Of(String resource) {
    return WasmProgram.sha256(ExampleProgramsTest.example(resource));
  }

  @Test
  void quartilesOfFourSitesSealedRowsEqualThePooledComputationAndLeaveOnlyAfterTheLastSite() throws Exception {
    PlanDefinition study = medianStudy(4);
    List<RowTable> centres = UciHeartRows.all();
    for (int s = 0; s < 3; s++) {
      CleanRoom.Delivery delivery = room.submit(study, UciHeartRows.CENTRES.get(s),
          sealAsSite(study, sha256Of("median"), UciHeartRows.CENTRES.get(s), UciHeartRows.cholAndLabel(centres.get(s))));
      assertThat(delivery).isEqualTo(new CleanRoom.Delivery(s + 1, 4, false));
    }
    assertThatThrownBy(() -> room.result(room.digest(study))).isInstanceOf(ResultNotReadyException.class)
        .hasMessageContaining("3 of 4 sites");

    CleanRoom.Delivery last = room.submit(study, "va", sealAsSite(study, sha256Of("median"), "va", UciHeartRows.cholAndLabel(centres.get(3))));

    assertThat(last.ran()).isTrue();
    CleanRoomResult result = room.result(room.digest(study));
    WasmSandbox plain = new WasmSandbox(SandboxLimits.DEFAULT);
    byte[] expected = plain.run(plain.load(ExampleProgramsTest.example("median")), UciHeartRows.pooled(centres)).result();
    assertThat(result.released()).isEqualTo(ResultRecord.decode(expected));
    assertThat(result.suppressed()).isEmpty();
    assertThat(result.programSha256()).isEqualTo(sha256Of("median"));
    assertThat(result.sites()).containsExactly("cleveland", "hungarian", "switzerland", "va");
    assertThat(result.outputSha256()).isEqualTo(WasmProgram.sha256(ResultRecord.encode(result.released())));
    assertThatThrownBy(() -> room.submit(study, "extra", sealAsSite(study, sha256Of("median"), "extra",
        UciHeartRows.cholAndLabel(centres.get(0))))).isInstanceOf(AlreadyDeliveredException.class);

    byte[] sealed = room.sealedResult(room.digest(study));
    SealingContext bound = SealingContext.forCleanRoomResult(room.digest(study), result.programSha256(), result.outputSha256());
    Parameters opened = FhirContext.forR4Cached().newJsonParser().parseResource(Parameters.class,
        new String(Hpke.open(RESEARCHER, bound, sealed), StandardCharsets.UTF_8));
    assertThat(ResultParameters.records(opened)).as("what the researcher opens").isEqualTo(result.released());
    assertThat(opened.getParameterValues("site")).extracting(v -> v.primitiveValue())
        .containsExactly("cleveland", "hungarian", "switzerland", "va");
    assertThatThrownBy(() -> Hpke.open(SealingKeyPair.generate(RANDOM), bound, sealed))
        .as("another key than the one the study names").isInstanceOf(UnauthenticatedEnvelopeException.class);
    assertThatThrownBy(() -> Hpke.open(RESEARCHER, SealingContext.forCleanRoomResult(room.digest(study),
        result.programSha256(), "0".repeat(64)), sealed)).as("another output digest than the sites recorded")
        .isInstanceOf(UnauthenticatedEnvelopeException.class);
  }

  @Test
  void rowsSealedForAnotherProgramAreRefusedAndNotCounted() throws Exception {
    PlanDefinition study = medianStudy(2);
    byte[] sealedForStump = sealAsSite(study, sha256Of("stump"), "cleveland", UciHeartRows.cholAndLabel(UciHeartRows.centre("cleveland")));

    assertThatThrownBy(() -> room.submit(study, "cleveland", sealedForStump))
        .isInstanceOf(UnauthenticatedEnvelopeException.class);
    assertThatThrownBy(() -> room.result(room.digest(study))).isInstanceOf(ResultNotReadyException.class);
  }

  @Test
  void rowsSealedForAnotherStudyOrAsAnotherSiteAreRefused() throws Exception {
    PlanDefinition study = medianStudy(2);
    PlanDefinition other = medianStudy(3);
    RowTable rows = UciHeartRows.cholAndLabel(UciHeartRows.centre("va"));

    byte[] forOtherStudy = sealAsSite(other, sha256Of("median"), "va", rows);
    assertThatThrownBy(() -> room.submit(study, "va", forOtherStudy)).isInstanceOf(UnauthenticatedEnvelopeException.class);
    byte[] vasRows = sealAsSite(study, sha256Of("median"), "va", rows);
    assertThatThrownBy(() -> room.submit(study, "cleveland", vasRows)).isInstanceOf(UnauthenticatedEnvelopeException.class);
  }

  @Test
  void aNewStudyBeyondTheStudiesWaitingForRowsIsRefusedUntilOneHasRun() throws Exception {
    CleanRoom small = new CleanRoom(enclaveKey, new WasmSandbox(SandboxLimits.DEFAULT), 1);
    PlanDefinition first = medianStudy(2);
    PlanDefinition second = medianStudy(3);
    RowTable cleveland = UciHeartRows.cholAndLabel(UciHeartRows.centre("cleveland"));
    small.submit(first, "cleveland", sealAsSite(first, sha256Of("median"), "cleveland", cleveland));

    assertThatThrownBy(() -> small.submit(second, "cleveland", sealAsSite(second, sha256Of("median"), "cleveland",
        cleveland))).isInstanceOf(CleanRoomFullException.class).hasMessageContaining("1 studies waiting");
    assertThat(small.delivered(small.digest(second), "cleveland")).isFalse();

    small.submit(first, "va", sealAsSite(first, sha256Of("median"), "va", UciHeartRows.cholAndLabel(UciHeartRows.centre("va"))));
    assertThat(small.submit(second, "cleveland", sealAsSite(second, sha256Of("median"), "cleveland", cleveland))
        .delivered()).isEqualTo(1);
  }

  @Test
  void siteWhosePolicyDoesNotTrustTheEnclavesMeasurementSealsNothing() {
    CleanRoomSealer wary = new CleanRoomSealer(verifierTrusting(Measurement.of(filled(0x5a))));
    byte[] nonce = wary.freshNonce();

    assertThatThrownBy(() -> wary.seal(attester.attest(nonce, enclaveKey.publicKey(), new byte[0]), nonce, "d",
        sha256Of("median"), "va", UciHeartRows.cholAndLabel(UciHeartRows.centre("va"))))
        .isInstanceOf(UntrustedMeasurementException.class);
  }

  @Test
  void sealedRowsShowNeitherTheSchemaNorAnyValue() throws Exception {
    PlanDefinition study = medianStudy(4);
    RowTable rows = UciHeartRows.cholAndLabel(UciHeartRows.centre("cleveland"));

    byte[] sealed = sealAsSite(study, sha256Of("median"), "cleveland", rows);

    String wire = new String(sealed, StandardCharsets.ISO_8859_1);
    assertThat(wire).doesNotContain("chol").doesNotContain("label").doesNotContain("FFCR");
    String plaintext = new String(RowsPayload.encode(rows), StandardCharsets.ISO_8859_1);
    for (int at = 0; at + 16 <= plaintext.length(); at += 64) {
      assertThat(wire).as("plaintext bytes at %d", at).doesNotContain(plaintext.substring(at, at + 16));
    }
  }

  @Test
  void programThatDumpsRowsIsRefusedByTheDisclosureCheckAndReleasesNothing() throws Exception {
    PlanDefinition study = studyRunning("flood", 2, List.of("n"));

    for (String site : List.of("va", "cleveland")) {
      room.submit(study, site, sealAsSite(study, WasmProgram.sha256(WasmSandboxTest.fixture("flood")), site,
          UciHeartRows.cholAndLabel(UciHeartRows.centre(site))));
    }

    assertThatThrownBy(() -> room.result(room.digest(study))).isInstanceOf(DisclosureRefusedException.class)
        .hasMessageContaining("nothing is released");
  }

  @Test
  void programThatNeverStopsIsStoppedAndReleasesNothing() throws Exception {
    CleanRoom small = new CleanRoom(enclaveKey, new WasmSandbox(SandboxLimits.DEFAULT.withFuel(2_000_000)));
    PlanDefinition study = studyRunning("loop", 2, List.of("n"));

    for (String site : List.of("va", "cleveland")) {
      small.submit(study, site, sealAsSite(study, WasmProgram.sha256(WasmSandboxTest.fixture("loop")), site,
          UciHeartRows.cholAndLabel(UciHeartRows.centre(site))));
    }

    assertThatThrownBy(() -> small.result(small.digest(study))).isInstanceOf(FuelExhaustedException.class);
  }

  @Test
  void rowsWithOtherColumnsThanTheStudysAreRefused() throws Exception {
    PlanDefinition study = medianStudy(2);
    RowTable wrong = new RowTable(List.of("age", "label"), new double[] {50, 1});

    assertThatThrownBy(() -> room.submit(study, "va", sealAsSite(study, sha256Of("median"), "va", wrong)))
        .isInstanceOf(InvalidRowsException.class)
        .hasMessageContaining("sent columns [age, label]; the study's are [chol, label]");
  }

  private static byte[] filled(int b) {
    byte[] bytes = new byte[48];
    Arrays.fill(bytes, (byte) b);
    return bytes;
  }

}
