package org.fedfhir.securecompute.attestation;

/**
 * The enclave side: produces evidence binding its measurement to a verifier's nonce and to the
 * enclave's HPKE public key. {@link SimulatedAttester} is the software implementation; inside a
 * real Nitro enclave the document comes from the Nitro Secure Module ({@code /dev/nsm}), for which
 * FedFHIR has no binding yet.
 */
public interface Attester {

  /** The format of the evidence this attester produces. */
  EvidenceFormat format();

  /**
   * Evidence for one verifier's request.
   *
   * @param nonce the verifier's nonce, 16..512 bytes
   * @param enclavePublicKey the enclave's HPKE public key, bound into the evidence
   * @param userData optional extra bytes bound into the evidence (may be empty)
   */
  AttestationEvidence attest(byte[] nonce, byte[] enclavePublicKey, byte[] userData);
}
