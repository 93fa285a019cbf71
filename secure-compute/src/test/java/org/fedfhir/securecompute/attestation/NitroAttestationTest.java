package org.fedfhir.securecompute.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** AWS Nitro Enclaves attestation documents, made by a test CA in the AWS format, verified for real. */
class NitroAttestationTest {

  private static NitroTestAuthority authority;
  private static final SecureRandom RANDOM = new SecureRandom();
  private final byte[] pcr0 = random(48);
  private final byte[] enclaveKey = random(32);

  @BeforeAll
  static void createAuthority() throws Exception {
    authority = NitroTestAuthority.create("test-aws-nitro-enclaves-root");
  }

  private AttestationVerifier verifier() {
    return new AttestationVerifier(AttestationPolicy.builder()
        .nitroRoot(authority.root)
        .trustMeasurement(Measurement.of(pcr0))
        .maxAge(Duration.ofMinutes(5))
        .build());
  }

  private AttestationEvidence document(NitroTestAuthority ca, byte[] pcr, byte[] nonce, Instant timestamp) throws Exception {
    return new AttestationEvidence(EvidenceFormat.AWS_NITRO, ca.sign(ca.payload(pcr, nonce, enclaveKey, timestamp)));
  }

  @Test
  void genuineDocumentIsAcceptedAndYieldsItsMeasurementAndEnclaveKey() throws Exception {
    AttestationVerifier verifier = verifier();
    byte[] nonce = verifier.freshNonce();
    Instant timestamp = Instant.now().minusSeconds(1);

    VerifiedAttestation verified = verifier.verify(document(authority, pcr0, nonce, timestamp), nonce);

    assertThat(verified.format()).isEqualTo(EvidenceFormat.AWS_NITRO);
    assertThat(verified.measurement()).isEqualTo(Measurement.of(pcr0));
    assertThat(verified.enclavePublicKey()).isEqualTo(enclaveKey);
    assertThat(verified.validUntil()).isEqualTo(Instant.ofEpochMilli(timestamp.toEpochMilli()).plus(Duration.ofMinutes(5)));
    assertThat(verified.isValidAt(Instant.now())).isTrue();
  }

  @Test
  void documentFromAnotherRootIsRefused() throws Exception {
    NitroTestAuthority impostor = NitroTestAuthority.create("impostor-root");
    AttestationVerifier verifier = verifier();
    byte[] nonce = verifier.freshNonce();

    assertThatThrownBy(() -> verifier.verify(document(impostor, pcr0, nonce, Instant.now()), nonce))
        .isInstanceOf(UntrustedCertificateChainException.class)
        .hasMessageContaining("not the configured Nitro root");
  }

  @Test
  void documentSignedByAnExpiredCertificateIsRefused() throws Exception {
    Instant now = Instant.now();
    NitroTestAuthority expired = NitroTestAuthority.create("test-aws-nitro-enclaves-root",
        now.minus(Duration.ofHours(10)), now.minus(Duration.ofHours(1)));
    AttestationVerifier verifier = new AttestationVerifier(AttestationPolicy.builder()
        .nitroRoot(expired.root).trustMeasurement(Measurement.of(pcr0)).build());
    byte[] nonce = verifier.freshNonce();

    assertThatThrownBy(() -> verifier.verify(document(expired, pcr0, nonce, now), nonce))
        .isInstanceOf(UntrustedCertificateChainException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void documentOlderThanTheMaximumAgeIsRefused() throws Exception {
    AttestationVerifier verifier = verifier();
    byte[] nonce = verifier.freshNonce();

    assertThatThrownBy(() -> verifier.verify(document(authority, pcr0, nonce, Instant.now().minus(Duration.ofMinutes(6))), nonce))
        .isInstanceOf(StaleEvidenceException.class)
        .hasMessageContaining("older than the maximum age");
  }

  @Test
  void documentDatedInTheFutureIsRefused() throws Exception {
    AttestationVerifier verifier = verifier();
    byte[] nonce = verifier.freshNonce();

    assertThatThrownBy(() -> verifier.verify(document(authority, pcr0, nonce, Instant.now().plus(Duration.ofMinutes(2))), nonce))
        .isInstanceOf(StaleEvidenceException.class)
        .hasMessageContaining("in the future");
  }

  @Test
  void documentAnsweringAnotherNonceIsRefused() throws Exception {
    AttestationVerifier verifier = verifier();
    byte[] oldNonce = verifier.freshNonce();
    AttestationEvidence old = document(authority, pcr0, oldNonce, Instant.now());
    byte[] nonce = verifier.freshNonce();

    assertThatThrownBy(() -> verifier.verify(old, nonce))
        .isInstanceOf(NonceMismatchException.class)
        .hasMessageContaining("not the nonce");
  }

  @Test
  void nonceNeverIssuedByThisVerifierIsRefused() throws Exception {
    AttestationVerifier verifier = verifier();
    byte[] forged = random(32);

    assertThatThrownBy(() -> verifier.verify(document(authority, pcr0, forged, Instant.now()), forged))
        .isInstanceOf(NonceMismatchException.class)
        .hasMessageContaining("not issued by this verifier");
  }

  @Test
  void replayedNonceIsRefusedTheSecondTime() throws Exception {
    AttestationVerifier verifier = verifier();
    byte[] nonce = verifier.freshNonce();
    AttestationEvidence evidence = document(authority, pcr0, nonce, Instant.now());
    verifier.verify(evidence, nonce);

    assertThatThrownBy(() -> verifier.verify(evidence, nonce))
        .isInstanceOf(ReplayedNonceException.class)
        .hasMessageContaining("already used");
  }

  @Test
  void documentWithOneTamperedPayloadByteIsRefused() throws Exception {
    AttestationVerifier verifier = verifier();
    byte[] nonce = verifier.freshNonce();
    byte[] signed = authority.sign(authority.payload(pcr0, nonce, enclaveKey, Instant.now()));
    int at = indexOf(signed, "i-0test-enc".getBytes(StandardCharsets.US_ASCII));
    signed[at + 2] = '1'; // module id "i-1test-enc…": still valid CBOR, no longer what was signed

    assertThatThrownBy(() -> verifier.verify(new AttestationEvidence(EvidenceFormat.AWS_NITRO, signed), nonce))
        .isInstanceOf(InvalidEvidenceSignatureException.class)
        .hasMessageContaining("altered");
  }

  @Test
  void documentWithSwappedEnclaveKeyIsRefused() throws Exception {
    AttestationVerifier verifier = verifier();
    byte[] nonce = verifier.freshNonce();
    byte[] signed = authority.sign(authority.payload(pcr0, nonce, enclaveKey, Instant.now()));
    int at = indexOf(signed, enclaveKey);
    System.arraycopy(random(32), 0, signed, at, 32); // a host operator substitutes its own key

    assertThatThrownBy(() -> verifier.verify(new AttestationEvidence(EvidenceFormat.AWS_NITRO, signed), nonce))
        .isInstanceOf(InvalidEvidenceSignatureException.class);
  }

  @Test
  void untrustedPcr0IsRefused() throws Exception {
    AttestationVerifier verifier = verifier();
    byte[] nonce = verifier.freshNonce();

    assertThatThrownBy(() -> verifier.verify(document(authority, random(48), nonce, Instant.now()), nonce))
        .isInstanceOf(UntrustedMeasurementException.class)
        .hasMessageContaining("not among the 1 trusted");
  }

  @Test
  void pinnedPcrWithAnotherValueIsRefused() throws Exception {
    AttestationVerifier verifier = new AttestationVerifier(AttestationPolicy.builder()
        .nitroRoot(authority.root).trustMeasurement(Measurement.of(pcr0)).pinNitroPcr(8, random(48)).build());
    byte[] nonce = verifier.freshNonce();

    assertThatThrownBy(() -> verifier.verify(document(authority, pcr0, nonce, Instant.now()), nonce))
        .isInstanceOf(UntrustedMeasurementException.class)
        .hasMessageContaining("PCR8");
  }

  @Test
  void nitroDocumentIsRefusedWhenThePolicyConfiguresNoNitroRoot() throws Exception {
    AttestationVerifier verifier = new AttestationVerifier(AttestationPolicy.builder()
        .trustMeasurement(Measurement.of(pcr0)).allowSimulatedEvidenceFromAnyPlatformKey().build());
    byte[] nonce = verifier.freshNonce();

    assertThatThrownBy(() -> verifier.verify(document(authority, pcr0, nonce, Instant.now()), nonce))
        .isExactlyInstanceOf(EvidenceFormatNotAllowedException.class)
        .hasMessageContaining("no Nitro root");
  }

  @Test
  void garbageIsMalformedEvidence() {
    AttestationVerifier verifier = verifier();
    byte[] nonce = verifier.freshNonce();

    assertThatThrownBy(() -> verifier.verify(new AttestationEvidence(EvidenceFormat.AWS_NITRO, random(100)), nonce))
        .isInstanceOf(MalformedEvidenceException.class);
  }

  @Test
  void documentWithAWrongDigestFieldIsMalformed() throws Exception {
    AttestationVerifier verifier = verifier();
    byte[] nonce = verifier.freshNonce();
    Map<String, Object> payload = authority.payload(pcr0, nonce, enclaveKey, Instant.now());
    payload.put("digest", "SHA256");

    assertThatThrownBy(() -> verifier.verify(new AttestationEvidence(EvidenceFormat.AWS_NITRO, authority.sign(payload)), nonce))
        .isInstanceOf(MalformedEvidenceException.class)
        .hasMessageContaining("SHA384");
  }

  @Test
  void everyFailureModeHasItsOwnStableCode() {
    assertThat(java.util.List.of(new MalformedEvidenceException("").code(), new InvalidEvidenceSignatureException("").code(),
        new UntrustedCertificateChainException("").code(), new StaleEvidenceException("").code(),
        new NonceMismatchException("").code(), new ReplayedNonceException("").code(),
        new UntrustedMeasurementException("").code(), new EvidenceFormatNotAllowedException("").code(),
        new SimulatedEvidenceNotAllowedException("").code())).doesNotHaveDuplicates();
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
