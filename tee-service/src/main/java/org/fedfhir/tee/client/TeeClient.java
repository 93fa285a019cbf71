package org.fedfhir.tee.client;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import org.fedfhir.securecompute.attestation.AttestationEvidence;
import org.fedfhir.securecompute.attestation.AttestationException;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.attestation.VerifiedAttestation;
import org.fedfhir.securecompute.sealing.Hpke;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SealingException;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.tee.fhir.TeeOperations;
import org.fedfhir.tee.model.FeaturesPayload;
import org.fedfhir.tee.model.PredictionPayload;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;

/**
 * A site's client of the TEE model service: {@link #predict} attests the service (a fresh nonce,
 * verified against the site's {@link AttestationVerifier policy}, cached until it expires), seals
 * the features and a one-time response key to the attested enclave key (HPKE, RFC 9180), calls
 * {@code $predict} and opens the sealed answer.
 *
 * <p>Security guarantees: nothing is sent to {@code $predict} unless attestation verified; the
 * features and the probability cross the network only sealed; the response key is used once and
 * destroyed. If the service answers {@code sealed-data-not-authenticated} (say it restarted with a
 * new key) the cached attestation is dropped, so the next call attests again.
 *
 * <p>The clean room: {@link #submitCleanRoomRows} delivers a site's rows, already sealed by
 * {@link CleanRoomSealer} to this client's verified {@link #attestation()}, with the study as its
 * steward approved it; {@link #cleanRoomResult} asks for the run's receipt. Neither sends a row in
 * the clear; a {@code sealed-data-not-authenticated} answer drops the cached attestation too. Thread-safe.
 */
public final class TeeClient {

  private final IGenericClient client;
  private final AttestationVerifier verifier;
  private final Clock clock;
  private final SecureRandom random;
  private volatile VerifiedAttestation cached;

  public TeeClient(IGenericClient client, AttestationVerifier verifier, Clock clock, SecureRandom random) {
    this.client = client;
    this.verifier = verifier;
    this.clock = clock;
    this.random = random;
  }

  /** The service's verified attestation: the cached one while valid, else a fresh one. */
  public VerifiedAttestation attestation() throws AttestationException, TeeServiceException {
    VerifiedAttestation current = cached;
    if (current != null && current.isValidAt(clock.instant())) {
      return current;
    }
    synchronized (this) {
      current = cached;
      if (current != null && current.isValidAt(clock.instant())) {
        return current;
      }
      byte[] nonce = verifier.freshNonce();
      AttestationEvidence evidence = Calls.attestation(client, nonce);
      cached = verifier.verify(evidence, nonce);
      return cached;
    }
  }

  /** Forgets the cached attestation. */
  public void invalidateAttestation() {
    cached = null;
  }

  /**
   * The model's probability for one patient's features.
   *
   * @param study the study's canonical URL
   * @param modelDigest the model's digest (as recorded at provisioning)
   * @param featureNames the names in the model's order
   * @param features the raw feature values, same order
   * @throws AttestationException the service's attestation failed; nothing was sent to $predict
   * @throws TeeServiceException the service refused the call (see its code)
   * @throws SealingException the answer did not open (tampered or not for this request)
   */
  public double predict(String study, String modelDigest, List<String> featureNames, double[] features)
      throws AttestationException, TeeServiceException, SealingException {
    VerifiedAttestation attestation = attestation();
    String requestId = newRequestId();
    SealingKeyPair responseKey = SealingKeyPair.generate(random);
    try {
      byte[] payload = new FeaturesPayload(responseKey.publicKey(), featureNames, features).encode();
      byte[] sealed = Hpke.seal(attestation.enclavePublicKey(),
          SealingContext.forFeatures(study, modelDigest, requestId), payload).toBytes();
      java.util.Arrays.fill(payload, (byte) 0);
      Parameters in = new Parameters();
      in.addParameter().setName(TeeOperations.SEALED_FEATURES).setValue(new Base64BinaryType(sealed));
      in.addParameter().setName(TeeOperations.STUDY).setValue(new CanonicalType(study));
      in.addParameter().setName(TeeOperations.MODEL_DIGEST).setValue(new StringType(modelDigest));
      in.addParameter().setName(TeeOperations.REQUEST_ID).setValue(new StringType(requestId));
      Parameters out;
      try {
        out = Calls.call(() -> client.operation().onServer().named(TeeOperations.PREDICT)
            .withParameters(in).execute());
      } catch (TeeServiceException e) {
        if ("sealed-data-not-authenticated".equals(e.code())) {
          invalidateAttestation();
        }
        throw e;
      }
      if (!(Calls.value(out, TeeOperations.SEALED_PREDICTION) instanceof Base64BinaryType answer)) {
        throw new TeeServiceException("invalid-response", 200, "$predict answer lacks sealedPrediction");
      }
      byte[] opened = Hpke.open(responseKey, SealingContext.forPrediction(study, modelDigest, requestId),
          answer.getValue());
      return PredictionPayload.decode(opened).probability();
    } finally {
      responseKey.destroy();
    }
  }

  private String newRequestId() {
    byte[] id = new byte[16];
    random.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  /**
   * Delivers this site's sealed rows for a clean-room study ({@code $clean-room-submit}; the TEE
   * names the site by its certificate).
   *
   * @param study the PlanDefinition exactly as this site's data steward approved it (the TEE computes
   *     its digest and opens the rows only for that digest and the study's program)
   * @param sealedRows the HPKE envelope from {@link CleanRoomSealer}
   * @return the TEE's answer: {@code studyDigest}, {@code delivered}, {@code needed}, {@code ran}
   * @throws TeeServiceException the TEE refused ({@code not-a-clean-room-study}, {@code
   *     already-delivered}, {@code invalid-rows}, {@code sealed-data-not-authenticated}, {@code
   *     malformed-envelope}, …), could not be reached, or answered without those parameters
   */
  public Parameters submitCleanRoomRows(PlanDefinition study, byte[] sealedRows) throws TeeServiceException {
    Parameters in = new Parameters();
    in.addParameter().setName(TeeOperations.STUDY).setResource(study);
    in.addParameter().setName(TeeOperations.SEALED_ROWS).setValue(new Base64BinaryType(sealedRows));
    Parameters out;
    try {
      out = Calls.call(() -> client.operation().onServer().named(TeeOperations.CLEAN_ROOM_SUBMIT).withParameters(in)
          .execute());
    } catch (TeeServiceException e) {
      if ("sealed-data-not-authenticated".equals(e.code()) || "unauthenticated-envelope".equals(e.code())) {
        invalidateAttestation(); // the enclave key we sealed to is not the service's (say it restarted)
      }
      throw e;
    }
    requireAll(out, TeeOperations.CLEAN_ROOM_SUBMIT, TeeOperations.STUDY_DIGEST, TeeOperations.DELIVERED,
        TeeOperations.NEEDED, TeeOperations.RAN);
    return out;
  }

  /**
   * The receipt of a clean-room run ({@code $clean-room-result}): study, digest, program and output
   * SHA-256, the sites pooled, released and suppressed counts, and the result sealed to the
   * researcher (this client cannot open it).
   *
   * @throws TeeServiceException {@code result-not-ready} (412) before the run, the run's failure code
   *     ({@code fuel-exhausted}, {@code disclosure-refused}, …) if it failed, or unreachable
   */
  public Parameters cleanRoomResult(String studyDigest) throws TeeServiceException {
    Parameters in = new Parameters();
    in.addParameter().setName(TeeOperations.STUDY_DIGEST).setValue(new StringType(studyDigest));
    Parameters out = Calls.call(() -> client.operation().onServer().named(TeeOperations.CLEAN_ROOM_RESULT)
        .withParameters(in).execute());
    requireAll(out, TeeOperations.CLEAN_ROOM_RESULT, TeeOperations.STUDY_DIGEST, TeeOperations.PROGRAM_SHA256,
        TeeOperations.OUTPUT_SHA256, TeeOperations.SEALED_RESULT);
    return out;
  }

  private static void requireAll(Parameters out, String operation, String... names) throws TeeServiceException {
    for (String name : names) {
      if (Calls.value(out, name) == null) {
        throw new TeeServiceException("invalid-response", 200, operation + " answer lacks " + name);
      }
    }
  }
}
