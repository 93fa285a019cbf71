package org.fedfhir.securecompute.attestation;

import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fedfhir.securecompute.crypto.Ed25519;

/**
 * <b>Simulated</b> attestation: a software platform key (Ed25519, RFC 8032) signs a report in the
 * COSE_Sign1 shape (RFC 9052 §4.2, algorithm EdDSA) binding the measurement (SHA-384 of the
 * service's code and configuration), the verifier's nonce, a timestamp, the enclave's HPKE public
 * key and optional user data.
 *
 * <p>Security guarantees: none about hardware. The platform key lives in the same process as the
 * service, so whoever runs the host can sign any report. It exists so that the whole protocol can
 * run on a laptop and in tests; the format is called {@code simulated} on the wire, and {@link
 * AttestationVerifier} refuses it unless the policy explicitly opted in.
 */
public final class SimulatedAttester implements Attester {

  static final String FORMAT_TAG = "fedfhir-simulated-tee/v1";

  private final Ed25519.KeyPair platformKey;
  private final Measurement measurement;
  private final Clock clock;

  public SimulatedAttester(Ed25519.KeyPair platformKey, Measurement measurement, Clock clock) {
    this.platformKey = platformKey;
    this.measurement = measurement;
    this.clock = clock;
  }

  @Override
  public EvidenceFormat format() {
    return EvidenceFormat.SIMULATED;
  }

  /** The Ed25519 public key verifiers pin with {@link AttestationPolicy.Builder#allowSimulatedEvidence}. */
  public byte[] platformPublicKey() {
    return platformKey.publicKey();
  }

  public Measurement measurement() {
    return measurement;
  }

  @Override
  public AttestationEvidence attest(byte[] nonce, byte[] enclavePublicKey, byte[] userData) {
    if (nonce == null || nonce.length < 16 || nonce.length > 512) {
      throw new IllegalArgumentException("nonce must be 16..512 bytes");
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("format", FORMAT_TAG);
    report.put("measurement", measurement.bytes());
    report.put("timestamp", clock.millis());
    report.put("nonce", nonce.clone());
    report.put("public_key", enclavePublicKey.clone());
    report.put("platform_key", platformKey.publicKey());
    report.put("user_data", userData == null ? new byte[0] : userData.clone());
    byte[] payload = Cbor.encode(report);
    byte[] protectedHeader = CoseSign1.protectedHeaderFor(CoseSign1.EDDSA);
    byte[] signature = Ed25519.sign(platformKey.privateKey(), CoseSign1.sigStructure(protectedHeader, payload));
    return new AttestationEvidence(EvidenceFormat.SIMULATED,
        new CoseSign1(protectedHeader, CoseSign1.EDDSA, payload, signature).encode());
  }

  @Override
  public String toString() {
    return "SimulatedAttester[measurement=" + measurement + ", platformKey="
        + HexFormat.of().formatHex(platformKey.publicKey()) + "]";
  }
}
