package org.fedfhir.securecompute.attestation;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.fedfhir.securecompute.crypto.Ed25519;

/** Verifies {@link SimulatedAttester} reports: syntax, platform-key trust, Ed25519 signature. */
final class SimulatedEvidenceVerifier {

  record Result(Measurement measurement, byte[] nonce, Instant timestamp, byte[] publicKey, byte[] userData) {}

  private SimulatedEvidenceVerifier() {}

  static Result verify(byte[] document, AttestationPolicy policy) throws AttestationException {
    if (!policy.simulatedAllowed()) {
      throw new SimulatedEvidenceNotAllowedException("the service offered simulated evidence (a software key, no"
          + " hardware protection) and this policy does not opt in to simulated evidence");
    }
    CoseSign1 cose = CoseSign1.parse(document);
    if (cose.algorithm() != CoseSign1.EDDSA) {
      throw new MalformedEvidenceException("simulated evidence algorithm " + cose.algorithm() + "; need -8 (EdDSA)");
    }
    Object decoded;
    try {
      decoded = Cbor.decode(cose.payload());
    } catch (IOException | RuntimeException e) {
      throw new MalformedEvidenceException("simulated report is not CBOR: " + e.getMessage());
    }
    if (!(decoded instanceof Map<?, ?> map) || !SimulatedAttester.FORMAT_TAG.equals(map.get("format"))) {
      throw new MalformedEvidenceException("simulated report is not a " + SimulatedAttester.FORMAT_TAG + " map");
    }
    byte[] measurement = bytes(map, "measurement", Measurement.BYTES);
    byte[] nonce = bytes(map, "nonce", -1);
    byte[] publicKey = bytes(map, "public_key", 32);
    byte[] platformKey = bytes(map, "platform_key", Ed25519.PUBLIC_KEY_BYTES);
    byte[] userData = bytes(map, "user_data", -1);
    if (!(map.get("timestamp") instanceof Long ts) || ts <= 0) {
      throw new MalformedEvidenceException("simulated report timestamp missing or not positive");
    }
    if (!policy.trustsSimulatedPlatformKey(platformKey)) {
      throw new SimulatedEvidenceNotAllowedException(
          "simulated evidence signed by a platform key this policy does not trust");
    }
    if (!Ed25519.verify(platformKey, cose.toBeSigned(), cose.signature())) {
      throw new InvalidEvidenceSignatureException(
          "the simulated report's signature does not verify with its platform key: the report was altered");
    }
    return new Result(Measurement.of(measurement), nonce, Instant.ofEpochMilli(ts), publicKey, userData);
  }

  private static byte[] bytes(Map<?, ?> map, String key, int length) throws MalformedEvidenceException {
    if (!(map.get(key) instanceof byte[] b) || (length >= 0 && b.length != length) || b.length > 1024) {
      throw new MalformedEvidenceException("simulated report field " + key + " missing or of the wrong size");
    }
    return b;
  }
}
