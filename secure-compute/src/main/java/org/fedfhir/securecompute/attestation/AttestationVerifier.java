package org.fedfhir.securecompute.attestation;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * Checks attestation evidence against an {@link AttestationPolicy} and a nonce this verifier
 * issued, before anything is sealed to the enclave.
 *
 * <p>Use: {@code byte[] nonce = verifier.freshNonce();} send it to the service's
 * {@code $attestation}; {@code VerifiedAttestation a = verifier.verify(evidence, nonce);} then seal
 * to {@code a.enclavePublicKey()} only.
 *
 * <p>Security guarantees, when {@link #verify} returns:
 * <ul>
 *   <li>the evidence is in a format the policy accepts; {@code simulated} evidence only if the policy
 *       opted in (it then proves nothing about hardware);</li>
 *   <li>Nitro: the document is a COSE_Sign1 (RFC 9052) signed with ECDSA P-384 by a certificate that
 *       chains to the configured root and is valid now (AWS Nitro Enclaves attestation document
 *       specification); simulated: the Ed25519 signature of a trusted platform key verifies;</li>
 *   <li>the measurement (Nitro PCR0, plus any pinned PCRs) is one the policy trusts;</li>
 *   <li>the evidence answers exactly the nonce this verifier issued, the nonce was not used before
 *       (each nonce is consumed by its first verification, successful or not) and has not expired;</li>
 *   <li>the evidence timestamp is no older than the policy's maximum age and not in the future
 *       beyond the clock skew;</li>
 *   <li>the returned enclave public key is the one bound into the signed evidence, so data sealed
 *       to it (HPKE, RFC 9180) can be opened only by code with that measurement.</li>
 * </ul>
 * Thread-safe.
 */
public final class AttestationVerifier {

  /** Nonce length: 32 random bytes. */
  public static final int NONCE_BYTES = 32;

  private final AttestationPolicy policy;
  private final NonceStore nonces;
  private final Clock clock;
  private final SecureRandom random;

  public AttestationVerifier(AttestationPolicy policy, NonceStore nonces, Clock clock, SecureRandom random) {
    this.policy = policy;
    this.nonces = nonces;
    this.clock = clock;
    this.random = random;
  }

  /** A verifier with an in-memory nonce store, the system clock and a default {@link SecureRandom}. */
  public AttestationVerifier(AttestationPolicy policy) {
    this(policy, new InMemoryNonceStore(), Clock.systemUTC(), new SecureRandom());
  }

  public AttestationPolicy policy() {
    return policy;
  }

  /** A fresh 32-byte nonce, valid for the policy's maximum age, usable for one verification. */
  public byte[] freshNonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    nonces.issue(nonce, clock.instant().plus(policy.maxAge()));
    return nonce;
  }

  /**
   * Verifies {@code evidence} as the answer to {@code expectedNonce}.
   *
   * @throws AttestationException one subclass per failure mode; nothing may be sealed to the service
   */
  public VerifiedAttestation verify(AttestationEvidence evidence, byte[] expectedNonce) throws AttestationException {
    Instant now = clock.instant();
    switch (nonces.consume(expectedNonce, now)) {
      case FRESH -> { }
      case ALREADY_USED -> throw new ReplayedNonceException(
          "nonce " + shortHex(expectedNonce) + " was already used for a verification; ask again with a fresh nonce");
      case EXPIRED -> throw new StaleEvidenceException(
          "nonce " + shortHex(expectedNonce) + " expired before the evidence was verified");
      case UNKNOWN -> throw new NonceMismatchException(
          "nonce " + shortHex(expectedNonce) + " was not issued by this verifier");
    }
    Measurement measurement;
    byte[] nonce;
    Instant timestamp;
    byte[] publicKey;
    byte[] userData;
    Instant validUntil;
    switch (evidence.format()) {
      case SIMULATED -> {
        SimulatedEvidenceVerifier.Result r = SimulatedEvidenceVerifier.verify(evidence.document(), policy);
        measurement = r.measurement();
        nonce = r.nonce();
        timestamp = r.timestamp();
        publicKey = r.publicKey();
        userData = r.userData();
        validUntil = timestamp.plus(policy.maxAge());
      }
      case AWS_NITRO -> {
        if (policy.nitroRoot().isEmpty()) {
          throw new EvidenceFormatNotAllowedException(
              "the service offered AWS Nitro Enclaves evidence and this policy configures no Nitro root");
        }
        NitroEvidenceVerifier.Result r = NitroEvidenceVerifier.verify(evidence.document(), policy.nitroRoot().get(), now);
        for (Map.Entry<Integer, String> pin : policy.pinnedNitroPcrs().entrySet()) {
          byte[] actual = r.pcrs().get(pin.getKey());
          if (actual == null || !HexFormat.of().formatHex(actual).equals(pin.getValue())) {
            throw new UntrustedMeasurementException("Nitro PCR" + pin.getKey() + " is "
                + (actual == null ? "absent" : HexFormat.of().formatHex(actual)) + ", the policy pins " + pin.getValue());
          }
        }
        measurement = r.measurement();
        nonce = r.nonce();
        timestamp = r.timestamp();
        publicKey = r.publicKey();
        userData = r.userData();
        Instant byAge = timestamp.plus(policy.maxAge());
        validUntil = byAge.isBefore(r.certificateNotAfter()) ? byAge : r.certificateNotAfter();
      }
      default -> throw new EvidenceFormatNotAllowedException("unsupported evidence format " + evidence.format());
    }
    if (!org.bouncycastle.util.Arrays.constantTimeAreEqual(nonce, expectedNonce)) {
      throw new NonceMismatchException("the evidence answers nonce " + shortHex(nonce)
          + ", not the nonce " + shortHex(expectedNonce) + " this request sent: an old document replayed?");
    }
    if (timestamp.isAfter(now.plus(policy.clockSkew()))) {
      throw new StaleEvidenceException("the evidence is dated " + timestamp + ", in the future (now " + now
          + ", allowed skew " + policy.clockSkew() + ")");
    }
    if (timestamp.plus(policy.maxAge()).isBefore(now)) {
      throw new StaleEvidenceException("the evidence is dated " + timestamp + ", older than the maximum age "
          + policy.maxAge() + " (now " + now + ")");
    }
    if (!policy.trustedMeasurements().contains(measurement)) {
      throw new UntrustedMeasurementException("measurement " + measurement
          + " is not among the " + policy.trustedMeasurements().size() + " trusted by this policy");
    }
    if (publicKey.length != 32) {
      throw new MalformedEvidenceException("enclave public key must be 32 bytes (X25519), got " + publicKey.length);
    }
    return new VerifiedAttestation(evidence.format(), measurement, timestamp, validUntil, publicKey, userData);
  }

  private static String shortHex(byte[] b) {
    String h = HexFormat.of().formatHex(b);
    return h.length() <= 16 ? h : h.substring(0, 16) + "…";
  }
}
