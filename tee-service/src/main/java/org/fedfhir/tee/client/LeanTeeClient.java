package org.fedfhir.tee.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import org.fedfhir.securecompute.attestation.AttestationEvidence;
import org.fedfhir.securecompute.attestation.AttestationException;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.attestation.EvidenceFormat;
import org.fedfhir.securecompute.attestation.MalformedEvidenceException;
import org.fedfhir.securecompute.attestation.VerifiedAttestation;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SealingException;
import org.fedfhir.securecompute.sealing.SessionChannel;
import org.fedfhir.tee.grpc.v1.FeatureBatch;
import org.fedfhir.tee.grpc.v1.OpenSessionRequest;
import org.fedfhir.tee.grpc.v1.OpenSessionResponse;
import org.fedfhir.tee.grpc.v1.PredictionBatch;
import org.fedfhir.tee.grpc.v1.SealedBatch;
import org.fedfhir.tee.grpc.v1.SealedPredictGrpc;
import org.fedfhir.tee.grpc.v1.SealedPredictions;

/**
 * A site's client of the TEE's lean prediction path: one gRPC channel (one persistent mutual-TLS
 * connection), attested sessions reused across calls, many patients per sealed batch.
 *
 * <p>A session is opened with a fresh nonce; the answered evidence is verified against the site's
 * {@link AttestationVerifier policy} and must bind the session id, so batches are sealed only to a
 * session key that evidence vouches for: the session's {@link SessionChannel} is set up to that key
 * (one HPKE encapsulation, sent with batch 0). A call borrows a session (each is used by one call at
 * a time, so its sequence numbers go out in order), seals the batch on the channel and opens the
 * answer (one AES-256-GCM seal and open, no key agreement). A session is used while its evidence is
 * valid; one whose call failed is dropped (its place in the sequence is unknown) and the next call
 * opens another. A call the service answers {@code unknown-session} (it restarted, or the session
 * expired there) is retried once in a new session: nothing of it was evaluated.
 *
 * <p>Security guarantees: nothing is sent to {@code Predict} unless attestation verified; features
 * and probabilities cross the network only sealed; the channel's keys live only as long as its
 * session. Thread-safe.
 */
public final class LeanTeeClient {

  private static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("fedfhir-tee-error", Metadata.ASCII_STRING_MARSHALLER);
  private static final long DEADLINE_SECONDS = 30;

  /** The answer to a batch: one probability per patient, and the attestation of the session that made them. */
  public record Answer(double[] probabilities, VerifiedAttestation attestation) {
    public Answer {
      probabilities = probabilities.clone();
    }

    @Override
    public double[] probabilities() {
      return probabilities.clone();
    }

    @Override
    public String toString() {
      return "Answer[" + probabilities.length + " hidden]";
    }
  }

  private static final class Session {
    final ByteString id;
    final String idHex;
    final String study;
    final String modelDigest;
    final VerifiedAttestation attestation;
    final SessionChannel channel;
    final ByteString encapsulatedKey;
    long next;

    Session(ByteString id, String study, String modelDigest, VerifiedAttestation attestation,
        SessionChannel.Initiated channel) {
      this.id = id;
      this.idHex = HexFormat.of().formatHex(id.toByteArray());
      this.study = study;
      this.modelDigest = modelDigest;
      this.attestation = attestation;
      this.channel = channel.channel();
      this.encapsulatedKey = ByteString.copyFrom(channel.encapsulatedKey());
    }
  }

  private final SealedPredictGrpc.SealedPredictBlockingStub stub;
  private final AttestationVerifier verifier;
  private final Clock clock;
  private final Map<String, Deque<Session>> idle = new ConcurrentHashMap<>();

  public LeanTeeClient(Channel channel, AttestationVerifier verifier, Clock clock) {
    this.stub = SealedPredictGrpc.newBlockingStub(channel);
    this.verifier = verifier;
    this.clock = clock;
  }

  /**
   * An idle session for the model whose evidence is still valid, or a newly opened and attested one;
   * checks the service before a batch of calls, so a failing attestation refuses once.
   */
  public VerifiedAttestation attestation(String study, String modelDigest)
      throws AttestationException, TeeServiceException {
    Session session = borrow(study, modelDigest);
    release(session);
    return session.attestation;
  }

  /**
   * The model's probabilities for {@code rows.length / featureNames.size()} patients, in one sealed
   * batch (at most 1,000 patients).
   *
   * @param rows the patients' raw feature values, row by row, in the model's order; NaN = missing
   * @throws AttestationException a new session's attestation failed; nothing was sent to Predict
   * @throws TeeServiceException the service refused the call (see its code)
   * @throws SealingException the answer did not open (tampered or not for this batch)
   */
  public Answer predict(String study, String modelDigest, List<String> featureNames, double[] rows)
      throws AttestationException, TeeServiceException, SealingException {
    if (featureNames.isEmpty() || rows.length == 0 || rows.length % featureNames.size() != 0) {
      throw new IllegalArgumentException(rows.length + " values are not whole rows of " + featureNames.size()
          + " features");
    }
    try {
      return predictOnce(study, modelDigest, featureNames, rows);
    } catch (TeeServiceException e) {
      if (!"unknown-session".equals(e.code())) {
        throw e;
      }
      // the service restarted or let the sessions expire: nothing was evaluated; forget them all, retry once
      idle.get(study + '\n' + modelDigest).clear();
      return predictOnce(study, modelDigest, featureNames, rows);
    }
  }

  private Answer predictOnce(String study, String modelDigest, List<String> featureNames, double[] rows)
      throws AttestationException, TeeServiceException, SealingException {
    Session session = borrow(study, modelDigest);
    boolean healthy = false;
    try {
      long sequence = session.next++;
      FeatureBatch.Builder batch = FeatureBatch.newBuilder().addAllNames(featureNames);
      for (double v : rows) {
        batch.addValues(v);
      }
      byte[] plaintext = batch.build().toByteArray();
      byte[] sealed = session.channel.sealRequest(sequence,
          SealingContext.forFeatureBatch(study, modelDigest, session.idHex, sequence), plaintext);
      Arrays.fill(plaintext, (byte) 0);
      SealedBatch.Builder request = SealedBatch.newBuilder().setSessionId(session.id).setSequence(sequence)
          .setSealed(ByteString.copyFrom(sealed));
      if (sequence == 0) {
        request.setEncapsulatedKey(session.encapsulatedKey);
      }
      SealedPredictions answer = call(() -> stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .predict(request.build()));
      byte[] opened = session.channel.openResponse(sequence,
          SealingContext.forPredictionBatch(study, modelDigest, session.idHex, sequence), answer.getSealed().toByteArray());
      PredictionBatch predictions;
      try {
        predictions = PredictionBatch.parseFrom(opened);
      } catch (InvalidProtocolBufferException e) {
        throw new TeeServiceException("invalid-response", 0, "the opened answer is not a FedFHIR prediction batch");
      }
      int patients = rows.length / featureNames.size();
      if (predictions.getProbabilitiesCount() != patients) {
        throw new TeeServiceException("invalid-response", 0, "the answer holds " + predictions.getProbabilitiesCount()
            + " probabilities for " + patients + " patients");
      }
      double[] p = new double[patients];
      for (int i = 0; i < patients; i++) {
        p[i] = predictions.getProbabilities(i);
      }
      healthy = true;
      return new Answer(p, session.attestation);
    } finally {
      if (healthy) {
        release(session); // a failed call's session is dropped: its place in the sequence is unknown
      }
    }
  }

  private Session borrow(String study, String modelDigest) throws AttestationException, TeeServiceException {
    Deque<Session> sessions = idle.computeIfAbsent(study + '\n' + modelDigest, k -> new ConcurrentLinkedDeque<>());
    for (Session s = sessions.pollFirst(); s != null; s = sessions.pollFirst()) {
      if (s.attestation.isValidAt(clock.instant())) {
        return s;
      }
    }
    return open(study, modelDigest);
  }

  private void release(Session session) {
    idle.get(session.study + '\n' + session.modelDigest).offerFirst(session);
  }

  private Session open(String study, String modelDigest) throws AttestationException, TeeServiceException {
    byte[] nonce = verifier.freshNonce();
    OpenSessionResponse opened = call(() -> stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .openSession(OpenSessionRequest.newBuilder().setNonce(ByteString.copyFrom(nonce)).setStudy(study)
            .setModelDigest(modelDigest).build()));
    VerifiedAttestation attestation = verifier.verify(new AttestationEvidence(
        EvidenceFormat.fromCode(opened.getFormat()), opened.getEvidence().toByteArray()), nonce);
    if (!Arrays.equals(attestation.userData(), opened.getSessionId().toByteArray())) {
      throw new MalformedEvidenceException("the evidence does not bind the session it was answered for");
    }
    return new Session(opened.getSessionId(), study, modelDigest, attestation,
        SessionChannel.initiate(attestation.enclavePublicKey()));
  }

  private interface Rpc<T> {
    T run();
  }

  /** The call, with a refusal turned into a {@link TeeServiceException} carrying the service's code. */
  private static <T> T call(Rpc<T> rpc) throws TeeServiceException {
    try {
      return rpc.run();
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      String code = e.getTrailers() != null && e.getTrailers().get(ERROR_CODE) != null
          ? e.getTrailers().get(ERROR_CODE)
          : status.getCode() == Status.Code.UNAVAILABLE ? "unreachable" : "grpc-" + status.getCode().name();
      int http = "budget-spent".equals(code) ? 429 : 0;
      throw new TeeServiceException(code, http, "TEE service refused the call (" + code + ", "
          + status.getCode() + "): " + status.getDescription());
    }
  }
}
