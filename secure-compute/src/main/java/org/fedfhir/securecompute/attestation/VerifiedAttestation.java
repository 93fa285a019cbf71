package org.fedfhir.securecompute.attestation;

import java.time.Instant;

/**
 * Evidence that passed {@link AttestationVerifier#verify}: the enclave with this measurement
 * holds the private key of {@link #enclavePublicKey()}, as of {@link #timestamp()}. Trust it until
 * {@link #validUntil()} (timestamp + the policy's maximum age, or the signing certificate's end
 * if earlier), then attest again.
 */
public record VerifiedAttestation(EvidenceFormat format, Measurement measurement, Instant timestamp,
    Instant validUntil, byte[] enclavePublicKey, byte[] userData) {

  public VerifiedAttestation {
    enclavePublicKey = enclavePublicKey.clone();
    userData = userData == null ? new byte[0] : userData.clone();
  }

  @Override
  public byte[] enclavePublicKey() {
    return enclavePublicKey.clone();
  }

  @Override
  public byte[] userData() {
    return userData.clone();
  }

  /** True while {@code now} is before {@link #validUntil()}. */
  public boolean isValidAt(Instant now) {
    return now.isBefore(validUntil);
  }
}
