package org.fedfhir.tee.client;

import org.fedfhir.securecompute.attestation.AttestationEvidence;
import org.fedfhir.securecompute.attestation.AttestationException;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.attestation.VerifiedAttestation;
import org.fedfhir.securecompute.sealing.Hpke;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.tee.cleanroom.RowTable;
import org.fedfhir.tee.cleanroom.RowsPayload;

/**
 * A site's side of the clean room: it seals the study's rows (features, then {@code label}) to an
 * enclave whose attestation its policy verified, bound to the study digest its steward approved,
 * the program's SHA-256 and the site's own name ({@link SealingContext#forCleanRoomRows}).
 *
 * <p>Security guarantees: {@link #seal(AttestationEvidence, byte[], String, String, String, RowTable)}
 * returns nothing unless the evidence verifies against the site's policy for the nonce it chose
 * (measurement, and for Nitro the PCRs), so rows are never sealed to an untrusted TEE; the rows
 * cross the network only as HPKE ciphertext; nothing is logged.
 */
public final class CleanRoomSealer {

  private final AttestationVerifier verifier;

  public CleanRoomSealer(AttestationVerifier verifier) {
    this.verifier = verifier;
  }

  /** A fresh nonce to ask the TEE's {@code $attestation} for evidence with. */
  public byte[] freshNonce() {
    return verifier.freshNonce();
  }

  /**
   * Verifies the TEE's evidence for {@code nonce}, then seals the rows to its attested key.
   *
   * @throws AttestationException if the evidence does not verify (nothing is sealed)
   */
  public byte[] seal(AttestationEvidence evidence, byte[] nonce, String studyDigest, String programSha256, String site,
      RowTable rows) throws AttestationException {
    return seal(verifier.verify(evidence, nonce), studyDigest, programSha256, site, rows);
  }

  /** Seals the rows to an attestation already verified (e.g. {@link TeeClient#attestation()}). */
  public static byte[] seal(VerifiedAttestation attested, String studyDigest, String programSha256, String site,
      RowTable rows) {
    return Hpke.seal(attested.enclavePublicKey(), SealingContext.forCleanRoomRows(studyDigest, programSha256, site),
        RowsPayload.encode(rows)).toBytes();
  }
}
