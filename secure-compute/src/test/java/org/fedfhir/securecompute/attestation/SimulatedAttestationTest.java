package org.fedfhir.securecompute.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.junit.jupiter.api.Test;

class SimulatedAttestationTest {

  private final SecureRandom random = new SecureRandom();
  private final Ed25519.KeyPair platform = Ed25519.generate(random);
  private final Measurement measurement = Measurement.of(NitroAttestationTest.random(48));
  private final SimulatedAttester attester = new SimulatedAttester(platform, measurement, Clock.systemUTC());
  private final byte[] enclaveKey = NitroAttestationTest.random(32);

  private AttestationVerifier verifier(AttestationPolicy.Builder policy) {
    return new AttestationVerifier(policy.trustMeasurement(measurement).build());
  }

  @Test
  void simulatedEvidenceIsAcceptedWhenThePolicyOptsInToItsPlatformKey() throws Exception {
    AttestationVerifier verifier = verifier(AttestationPolicy.builder().allowSimulatedEvidence(platform.publicKey()));
    byte[] nonce = verifier.freshNonce();

    VerifiedAttestation verified = verifier.verify(attester.attest(nonce, enclaveKey, new byte[0]), nonce);

    assertThat(verified.format()).isEqualTo(EvidenceFormat.SIMULATED);
    assertThat(verified.format().code()).isEqualTo("simulated");
    assertThat(verified.measurement()).isEqualTo(measurement);
    assertThat(verified.enclavePublicKey()).isEqualTo(enclaveKey);
  }

  @Test
  void simulatedEvidenceIsRefusedWithoutOptIn() throws Exception {
    X509Holder nitro = new X509Holder();
    AttestationVerifier verifier = verifier(AttestationPolicy.builder().nitroRoot(nitro.authority.root));
    byte[] nonce = verifier.freshNonce();

    assertThatThrownBy(() -> verifier.verify(attester.attest(nonce, enclaveKey, new byte[0]), nonce))
        .isInstanceOf(SimulatedEvidenceNotAllowedException.class)
        .hasMessageContaining("does not opt in to simulated evidence");
  }

  @Test
  void simulatedEvidenceFromAnUntrustedPlatformKeyIsRefused() throws Exception {
    AttestationVerifier verifier = verifier(AttestationPolicy.builder()
        .allowSimulatedEvidence(Ed25519.generate(random).publicKey()));
    byte[] nonce = verifier.freshNonce();

    assertThatThrownBy(() -> verifier.verify(attester.attest(nonce, enclaveKey, new byte[0]), nonce))
        .isInstanceOf(SimulatedEvidenceNotAllowedException.class)
        .hasMessageContaining("platform key this policy does not trust");
  }

  @Test
  void tamperedSimulatedReportIsRefused() throws Exception {
    AttestationVerifier verifier = verifier(AttestationPolicy.builder().allowSimulatedEvidence(platform.publicKey()));
    byte[] nonce = verifier.freshNonce();
    byte[] doc = attester.attest(nonce, enclaveKey, new byte[0]).document();
    int at = NitroAttestationTest.indexOf(doc, enclaveKey);
    doc[at] ^= 0x01;

    assertThatThrownBy(() -> verifier.verify(new AttestationEvidence(EvidenceFormat.SIMULATED, doc), nonce))
        .isInstanceOf(InvalidEvidenceSignatureException.class);
  }

  @Test
  void simulatedEvidenceOfAnotherMeasurementIsRefused() throws Exception {
    AttestationVerifier verifier = verifier(AttestationPolicy.builder().allowSimulatedEvidenceFromAnyPlatformKey());
    byte[] nonce = verifier.freshNonce();
    SimulatedAttester other = new SimulatedAttester(platform, Measurement.of(NitroAttestationTest.random(48)), Clock.systemUTC());

    assertThatThrownBy(() -> verifier.verify(other.attest(nonce, enclaveKey, new byte[0]), nonce))
        .isInstanceOf(UntrustedMeasurementException.class);
  }

  @Test
  void evidenceFromAClockTenMinutesBehindIsStale() throws Exception {
    AttestationVerifier verifier = verifier(AttestationPolicy.builder().allowSimulatedEvidence(platform.publicKey()));
    byte[] nonce = verifier.freshNonce();
    Clock behind = Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC);

    assertThatThrownBy(() -> verifier.verify(new SimulatedAttester(platform, measurement, behind)
        .attest(nonce, enclaveKey, new byte[0]), nonce))
        .isInstanceOf(StaleEvidenceException.class);
  }

  @Test
  void nonceThatExpiredBeforeVerificationIsStale() throws Exception {
    Instant[] now = {Instant.now()};
    Clock moving = new Clock() {
      @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return now[0]; }
    };
    AttestationVerifier verifier = new AttestationVerifier(AttestationPolicy.builder()
        .allowSimulatedEvidence(platform.publicKey()).trustMeasurement(measurement).build(),
        new InMemoryNonceStore(), moving, random);
    byte[] nonce = verifier.freshNonce();
    AttestationEvidence evidence = attester.attest(nonce, enclaveKey, new byte[0]);
    now[0] = now[0].plus(Duration.ofMinutes(6));

    assertThatThrownBy(() -> verifier.verify(evidence, nonce))
        .isInstanceOf(StaleEvidenceException.class).hasMessageContaining("expired");
  }

  @Test
  void policyWithoutMeasurementsOrFormatsCannotBeBuilt() {
    assertThatThrownBy(() -> AttestationPolicy.builder().allowSimulatedEvidenceFromAnyPlatformKey().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trusts no measurement");
    assertThatThrownBy(() -> AttestationPolicy.builder().trustMeasurement(measurement).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accepts no evidence format");
    assertThatThrownBy(() -> AttestationPolicy.builder().maxAge(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAge PT0S outside");
  }

  /** A Nitro root so that a policy can exist without simulated opt-in. */
  private static final class X509Holder {
    final NitroTestAuthority authority;

    X509Holder() throws Exception {
      authority = NitroTestAuthority.create("test-root");
    }
  }
}
