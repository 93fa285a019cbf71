package org.fedfhir.tee.enclave;

import com.google.protobuf.InvalidProtocolBufferException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ObjIntConsumer;
import org.fedfhir.securecompute.attestation.AttestationEvidence;
import org.fedfhir.securecompute.attestation.Attester;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.securecompute.sealing.SessionChannel;
import org.fedfhir.securecompute.sealing.UnauthenticatedEnvelopeException;
import org.fedfhir.tee.grpc.v1.FeatureBatch;
import org.fedfhir.tee.grpc.v1.PredictionBatch;

/**
 * Attested sessions of the lean prediction path: a caller opens a session for one study's model
 * and sets up a {@link SessionChannel} to the session's key with its first batch; each batch then
 * costs one AES-256-GCM open and one seal in the enclave, and no key agreement.
 *
 * <p>Security guarantees (given that the enclave itself is genuine and attested):
 * <ul>
 *   <li>each session has its own X25519 key pair made inside the enclave; its public key and the
 *       session id are bound into the attestation evidence answered at opening (with the caller's
 *       nonce), so a caller that verified the evidence seals only to this enclave;</li>
 *   <li>batch 0 carries the HPKE encapsulated key of the caller's channel to the session's key; every
 *       batch opens only on that channel, at its own sequence number, with associated data naming its
 *       study, model digest, session and sequence number; the session accepts sequence numbers 0, 1,
 *       2, … once each and in order, so a replayed or reordered batch is refused
 *       ({@link BatchOutOfOrderException}) and one sealed for another session or model does not open;</li>
 *   <li>a session answers only the party that opened it (its certificate's subject);</li>
 *   <li>the predictions are sealed on the same channel, in the answer direction, so only the caller
 *       that set it up can open them; nothing is logged.</li>
 * </ul>
 * Sessions are in memory, at most {@code maxSessions}, each for {@code lifetime}: a restart or an
 * expiry makes the caller open a new one. Thread-safe.
 */
public final class EnclaveSessions {

  /** Open sessions held at most unless told otherwise. */
  public static final int DEFAULT_MAX_SESSIONS = 1024;
  /** How long a session is answered after it opened. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(15);
  /** The most patients one batch may carry. */
  public static final int MAX_PATIENTS = 1000;

  private static final int ID_BYTES = 16;

  /** A session as opened: its id (also the evidence's user data) and the evidence for the caller. */
  public record Opened(byte[] sessionId, AttestationEvidence evidence) {
    public Opened {
      sessionId = sessionId.clone();
    }

    @Override
    public byte[] sessionId() {
      return sessionId.clone();
    }
  }

  private static final class Session {
    final String owner;
    final String study;
    final String modelDigest;
    final SealingKeyPair key;
    final Instant expires;
    long next;
    SessionChannel channel;

    Session(String owner, String study, String modelDigest, SealingKeyPair key, Instant expires) {
      this.owner = owner;
      this.study = study;
      this.modelDigest = modelDigest;
      this.key = key;
      this.expires = expires;
    }
  }

  private final EnclaveModelService models;
  private final Attester attester;
  private final SecureRandom random;
  private final Clock clock;
  private final int maxSessions;
  private final Duration lifetime;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  EnclaveSessions(EnclaveModelService models, Attester attester, SecureRandom random, Clock clock, int maxSessions,
      Duration lifetime) {
    if (maxSessions < 1 || lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("max sessions " + maxSessions + ", lifetime " + lifetime
          + "; need at least 1 and a positive duration");
    }
    this.models = models;
    this.attester = attester;
    this.random = random;
    this.clock = clock;
    this.maxSessions = maxSessions;
    this.lifetime = lifetime;
  }

  /**
   * Opens a session of {@code owner} for the model of {@code study} with {@code modelDigest}.
   *
   * @param nonce the caller's fresh nonce, bound into the evidence
   * @throws UnknownModelException if no such model is held
   * @throws SessionLimitException if the enclave holds its maximum of live sessions
   */
  public Opened open(String owner, String study, String modelDigest, byte[] nonce)
      throws UnknownModelException, SessionLimitException {
    if (!models.holds(study, modelDigest)) {
      throw new UnknownModelException("no model with this study and modelDigest is provisioned in this enclave");
    }
    Instant now = clock.instant();
    if (sessions.size() >= maxSessions) {
      sessions.values().removeIf(s -> {
        boolean expired = !now.isBefore(s.expires);
        if (expired) {
          s.key.destroy();
        }
        return expired;
      });
      if (sessions.size() >= maxSessions) {
        throw new SessionLimitException("the enclave holds " + maxSessions + " open sessions, its maximum; "
            + "retry when one expires (" + lifetime.toMinutes() + " min after it opened)");
      }
    }
    byte[] id = new byte[ID_BYTES];
    random.nextBytes(id);
    SealingKeyPair key = SealingKeyPair.generate(random);
    AttestationEvidence evidence = attester.attest(nonce, key.publicKey(), id);
    sessions.put(HexFormat.of().formatHex(id), new Session(owner, study, modelDigest, key, now.plus(lifetime)));
    return new Opened(id, evidence);
  }

  /**
   * Opens batch {@code sequence} of a session, charges its patients ({@code charge.accept(study,
   * patients)}, which may throw to refuse), evaluates them with the session's model and seals the
   * probabilities on the session's channel.
   *
   * @param encapsulatedKey batch 0: the caller's channel encapsulated key; later batches: empty
   * @return the sealed {@code PredictionBatch}
   * @throws InvalidChannelException batch 0 without an encapsulated key, or a later batch with one
   * @throws UnknownSessionException no live session with this id opened by {@code owner}
   * @throws BatchOutOfOrderException the sequence number is not the session's next
   * @throws UnauthenticatedEnvelopeException the batch was not sealed for this session, model and place
   */
  public byte[] predict(String owner, byte[] sessionId, long sequence, byte[] encapsulatedKey, byte[] sealed,
      ObjIntConsumer<String> charge) throws UnauthenticatedEnvelopeException, TeeException {
    String id = HexFormat.of().formatHex(sessionId);
    Session session = sessions.get(id);
    if (session == null || !session.owner.equals(owner) || !clock.instant().isBefore(session.expires)) {
      throw new UnknownSessionException("no open session with this id for this caller (expired, never opened, "
          + "or the enclave restarted): open a new session");
    }
    FeatureBatch batch;
    SessionChannel channel;
    synchronized (session) {
      if (sequence != session.next) {
        throw new BatchOutOfOrderException("batch " + sequence + " is not the session's next (" + session.next
            + "): a replayed or reordered batch is refused; open a new session");
      }
      if ((sequence == 0) != (encapsulatedKey.length > 0)) {
        throw new InvalidChannelException(sequence == 0
            ? "batch 0 must carry the encapsulated key of the session's channel"
            : "only batch 0 carries an encapsulated key; this session's channel is set up");
      }
      if (sequence == 0) {
        session.channel = SessionChannel.accept(session.key, encapsulatedKey);
      }
      channel = session.channel;
      byte[] plaintext = channel.openRequest(sequence,
          SealingContext.forFeatureBatch(session.study, session.modelDigest, id, sequence), sealed);
      try {
        batch = FeatureBatch.parseFrom(plaintext);
      } catch (InvalidProtocolBufferException e) {
        throw new InvalidFeaturesException("the opened batch is not a FedFHIR feature batch");
      } finally {
        java.util.Arrays.fill(plaintext, (byte) 0);
      }
      session.next = sequence + 1;
    }
    int names = batch.getNamesCount();
    if (names == 0 || batch.getValuesCount() == 0 || batch.getValuesCount() % names != 0) {
      throw new InvalidFeaturesException("a batch needs at least one patient with a value per named feature ("
          + names + " names, " + batch.getValuesCount() + " values)");
    }
    int patients = batch.getValuesCount() / names;
    if (patients > MAX_PATIENTS) {
      throw new BatchTooLargeException(patients + " patients exceed the " + MAX_PATIENTS + " of one batch; split it");
    }
    charge.accept(session.study, patients);
    double[] rows = new double[batch.getValuesCount()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = batch.getValues(i);
    }
    double[] probabilities = models.evaluate(session.study, session.modelDigest, batch.getNamesList(), rows);
    java.util.Arrays.fill(rows, 0);
    PredictionBatch.Builder answer = PredictionBatch.newBuilder();
    for (double p : probabilities) {
      answer.addProbabilities(p);
    }
    return channel.sealResponse(sequence,
        SealingContext.forPredictionBatch(session.study, session.modelDigest, id, sequence), answer.build().toByteArray());
  }

  /** How many sessions are held (tests: bounded memory). */
  int held() {
    return sessions.size();
  }
}
