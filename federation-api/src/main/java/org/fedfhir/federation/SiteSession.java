package org.fedfhir.federation;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.Join;
import org.fedfhir.federation.v1.Participant;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.RoundEnd;
import org.fedfhir.federation.v1.RoundStart;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.StudyEnd;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.encoding.FixedPointCodec;
import org.fedfhir.securecompute.secagg.RoundId;
import org.fedfhir.securecompute.secagg.SecAggConfig;
import org.fedfhir.securecompute.secagg.SecAggException;
import org.fedfhir.securecompute.secagg.SiteRound;

/**
 * A site's side of one study at the aggregator: it opens the session stream (outbound — the
 * hospital accepts no inbound calls), joins the study, and for every round the aggregator starts
 * computes its contribution with {@link RoundWork}, encodes it as fixed-point integers and takes
 * part in secure aggregation ({@link SiteRound}, Bonawitz et al. 2017), so the contribution
 * leaves the site only masked.
 *
 * <p>A protocol failure in one round (a tampered or inconsistent message) ends the site's part in
 * that round only; the next round starts afresh. Nothing about the contribution is logged.
 *
 * <p>The site does not take the aggregator's word for a round: before it computes anything it
 * checks the {@code RoundStart} against the study's {@link RoundPolicy} — enough participants, a
 * high enough threshold, every participant a site (never the aggregator), a round number it has not
 * contributed to, no more rounds than the study declares, and no second contribution at a phase and
 * model it already contributed at among other participants (subtracting the two sums would give the
 * contribution of the sites in one round and not the other). A round that fails is refused: the
 * site sends nothing for it and ends the session with a {@link RoundRefusedException} saying why.
 *
 * <p>What the site contributed is kept in a {@link ContributionLedger}: its own for the session,
 * or the hospital's ({@link #recordingIn}), which outlives sessions, so that a second session of
 * the same study cannot difference either. The set that matters is the set whose sum is unmasked:
 * before it signs the survivors of a round (and so before it reveals any share), the site checks
 * that they are the sites its contribution was unmasked among before, if it was, and records them
 * — an aggregator that reports a site dropped out at a model whose full sum it holds is refused.
 */
public final class SiteSession {

  private static final Logger LOG = Logger.getLogger(SiteSession.class.getName());

  /**
   * What the site does in a study's rounds, and what it learns back: {@link TrainingWork} for a
   * training study, {@link StatisticsWork} for a statistics study. Contributions are encoded and
   * masked before they leave the site. A round whose phase belongs to the other kind of study
   * ends the session with an error: the site computes nothing for it.
   */
  public sealed interface RoundWork permits TrainingWork, StatisticsWork {

    /** The aggregator accepted the site's Join: the site waits for the study's rounds. */
    default void joined(int completedRounds) {}

    /** A round completed: its phase, the new global model and the network-wide metrics. */
    default void roundCompleted(RoundResult result) {}

    /** The round aborted and revealed nothing. */
    default void roundAborted(int round, String reason) {}
  }

  /** The site's work in a training study: STANDARDISE, TRAIN and EVALUATE rounds (docs/federation.md). */
  public non-sealed interface TrainingWork extends RoundWork {

    /** STANDARDISE: per feature j {@code [n_j, Σx_j, Σx_j²]} over the training rows, observed values only. */
    double[] moments();

    /** TRAIN: the strategy's payload, from {@code globalModel}, features standardised with the global values. */
    double[] train(int round, double[] globalModel, Standardisation standardisation);

    /**
     * TRAIN with the round's {@link RoundTerms}: a differentially private study's work calibrates
     * its noise share to the round's threshold and refuses ({@link RoundRefusedException}) a round
     * whose announced privacy asks for less noise than its own study declares. By default the
     * terms are not needed.
     */
    default double[] train(int round, double[] globalModel, Standardisation standardisation, RoundTerms terms) {
      return train(round, globalModel, standardisation);
    }

    /** The metric tail {@code [tp, fp, tn, fn, Σ log-loss]} of {@code model} on the site's test split. */
    double[] evaluate(double[] model, Standardisation standardisation);
  }

  /** The site's work in a statistics study: STATISTICS rounds. */
  public non-sealed interface StatisticsWork extends RoundWork {

    /**
     * STATISTICS: a statistics study's site-local sufficient statistics, concatenated in the
     * study's declared order (docs/study-format.md, "Statistics studies"), with the site's share
     * of the differential-privacy noise of the statistics that declare ε.
     *
     * @param threshold the round's threshold t: any sum the aggregator can unmask holds at least
     *     t sites' noise shares, which calibrates each share
     */
    double[] statistics(int round, int threshold);
  }

  /** The site's work in a statistics study that declares logistic regressions: also their Newton iterations. */
  public interface RegressionWork extends StatisticsWork {

    /**
     * STATISTICS_ITERATION: a later round of the same statistics run, one Newton iteration of
     * the study's logistic regressions, each evaluated at its coefficients (concatenated in
     * declared order, as the aggregator announced them).
     */
    double[] iterate(int round, double[] coefficients);
  }

  /**
   * The site's own disclosure control, sent in its Join: the release obeys the strictest of the
   * study's and every participant's.
   */
  public record Disclosure(int minCellCount, boolean suppressZeros) {}

  /**
   * What a TRAIN round asks of a site beyond the model: its threshold t (any sum the aggregator can
   * unmask holds at least t contributions), the fixed-point encoding's fractional bits, and the
   * differential privacy the aggregator announced (null when it announced none).
   */
  public record RoundTerms(int threshold, int fractionBits, AnnouncedPrivacy privacy) {}

  /** The aggregator's announced privacy of a TRAIN round (proto {@code RoundPrivacy}), for the site to check. */
  public record AnnouncedPrivacy(double clip, double shareVariance, double latticeStep, double epsilonSpent) {}

  /** What a completed round told the site. */
  public record RoundResult(int round, Phase phase, int trainingRounds, double[] model,
      java.util.Map<String, Double> networkMetrics) {}

  /** How the session ended. */
  public record Outcome(int completedRounds, double[] finalModel) {}

  /**
   * The study the site joins, as the site holds it, and the policy every round of it must obey.
   */
  public record Study(String url, String version, byte[] definitionDigest, int modelDimension, RoundPolicy policy) {
    public Study {
      java.util.Objects.requireNonNull(policy, "policy");
    }

    /** A study whose parameters the site does not hold: only the site's own {@link RoundPolicy#siteDefault()}. */
    public Study(String url, String version, byte[] definitionDigest, int modelDimension) {
      this(url, version, definitionDigest, modelDimension, RoundPolicy.siteDefault());
    }
  }

  /**
   * The site refused a round the aggregator started: too few participants, too low a threshold, a
   * participant that is not a site, a replayed round number or a round beyond the study's. The
   * message says why; the site sent nothing for the round and left the study.
   */
  public static final class RoundRefusedException extends RuntimeException {
    /** A refusal the site's work may raise too, when its own policy forbids what the round asks. */
    public RoundRefusedException(String message) {
      super(message);
    }
  }

  private final FederationGrpc.FederationStub stub;
  private final Study study;
  private final RoundWork work;
  private final SecureRandom random;
  private final Ed25519.KeyPair signingKey;
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
  private final Disclosure disclosure;

  private SessionKeyEndorsement.Signer signer;
  private SessionKeyEndorsement.Verifier verifier;
  private final java.util.Set<String> endorsed = new java.util.HashSet<>();
  private StreamObserver<SiteMessage> out;
  private SiteRound round;
  private long[] encodedInput;
  private int index;
  private double[] lastModel;
  private int completed;
  private int trainingRounds;
  /** Rounds this session took part in, the last one's number, and the last whose masked input was sent (0: none). */
  private int roundsStarted;
  private int lastRoundNumber;
  private int lastContributed;
  /** Whether this session took part in a STATISTICS round (one release per session). */
  private boolean released;
  /** What this site contributed to the study, and among whom; the round in flight's contributions, participants and names. */
  private ContributionLedger ledger = ContributionLedger.inMemory();
  private java.util.List<String> pendingKeys = java.util.List.of();
  private java.util.Set<String> pendingParticipants;
  private final Map<Integer, String> names = new TreeMap<>();

  public SiteSession(FederationGrpc.FederationStub stub, Study study, RoundWork work, SecureRandom random) {
    this(stub, study, work, random, null);
  }

  /** A session that also states the site's disclosure control (statistics studies). */
  public SiteSession(FederationGrpc.FederationStub stub, Study study, RoundWork work, SecureRandom random,
      Disclosure disclosure) {
    this.disclosure = disclosure;
    this.stub = stub;
    this.study = study;
    this.work = work;
    this.random = random;
    this.signingKey = Ed25519.generate(random);
  }

  /**
   * Endorses this session's key with the site's network certificate and requires every
   * participant's key to be endorsed likewise ({@link SessionKeyEndorsement}): the site then takes
   * no part in a round whose participants' keys the network CA does not vouch for. Call before
   * {@link #start()}.
   */
  public SiteSession endorsedBy(SessionKeyEndorsement.Signer signer, SessionKeyEndorsement.Verifier verifier) {
    this.signer = java.util.Objects.requireNonNull(signer, "signer");
    this.verifier = java.util.Objects.requireNonNull(verifier, "verifier");
    return this;
  }

  /**
   * Records what the site contributes in {@code ledger}, the hospital's, and refuses what it
   * records of earlier sessions of the same study too (by default a ledger of this session's
   * own). Call before {@link #start()}.
   */
  public SiteSession recordingIn(ContributionLedger ledger) {
    this.ledger = java.util.Objects.requireNonNull(ledger, "ledger");
    return this;
  }

  /** Opens the session and joins; the future completes when the study ends or the session fails. */
  public CompletableFuture<Outcome> start() {
    out = stub.session(new Inbound());
    Join.Builder join = Join.newBuilder()
        .setStudyUrl(study.url()).setStudyVersion(study.version())
        .setDefinitionDigest(ByteString.copyFrom(study.definitionDigest()))
        .setModelDimension(study.modelDimension())
        .setSigningPublicKey(ByteString.copyFrom(signingKey.publicKey()));
    if (signer != null) {
      SessionKeyEndorsement.Endorsement e = signer.endorse(subject(signingKey.publicKey()));
      join.setCertificate(ByteString.copyFrom(e.certificate())).setKeyEndorsement(ByteString.copyFrom(e.signature()));
    }
    if (disclosure != null) {
      join.setDisclosure(org.fedfhir.federation.v1.SiteDisclosure.newBuilder()
          .setMinCellCount(disclosure.minCellCount()).setSuppressZeros(disclosure.suppressZeros()));
    }
    send(SiteMessage.newBuilder().setJoin(join).build());
    return outcome;
  }

  /** Leaves the study (the aggregator counts the site as dropped out of the round in flight). */
  public void leave() {
    synchronized (this) {
      if (out != null) {
        out.onCompleted();
      }
    }
    outcome.complete(new Outcome(completed, lastModel));
  }

  private synchronized void send(SiteMessage message) {
    out.onNext(message);
  }

  private void onMessage(AggregatorMessage m) {
    switch (m.getBodyCase()) {
      case JOINED -> {
        completed = m.getJoined().getCompletedRounds();
        work.joined(completed);
      }
      case ROUND_START -> startRound(m.getRoundStart());
      case KEYS_BROADCAST -> step(() -> round.shareKeys(ProtocolCodec.keyRoster(index, m.getKeysBroadcast())));
      case SHARES_DELIVERY -> {
        if (round != null) {
          lastContributed = lastRoundNumber;
          claim(pendingParticipants, false);
        }
        step(() -> round.maskedInput(ProtocolCodec.shareBundle(index, m.getSharesDelivery()), encodedInput));
      }
      case CONSISTENCY_REQUEST -> {
        if (round != null) {
          java.util.Set<String> survivors = new java.util.TreeSet<>();
          m.getConsistencyRequest().getMaskedInputSendersList()
              .forEach(i -> survivors.add(names.getOrDefault(i, "participant " + i)));
          claim(survivors, true);
        }
        step(() -> round.consistencyCheck(ProtocolCodec.survivorList(index, m.getConsistencyRequest())));
      }
      case UNMASK_REQUEST -> step(() -> round.unmask(ProtocolCodec.consistencyBundle(index, m.getUnmaskRequest())));
      case ROUND_END -> endRound(m.getRoundEnd());
      case STUDY_END -> endStudy(m.getStudyEnd());
      default -> LOG.warning("ignoring an empty aggregator message");
    }
  }

  private SessionKeyEndorsement.Subject subject(byte[] key) {
    return new SessionKeyEndorsement.Subject(study.url(), study.version(), study.definitionDigest(), key);
  }

  /**
   * Null if {@code start} obeys the study's {@link RoundPolicy}, else why not: n and t, each round
   * number contributed to once and in increasing order, no more rounds than the study declares, a
   * statistics release at most once, and none of its contributions {@code keys} (phase, and model
   * where it matters) recorded in the ledger among other sites than {@code participants}.
   */
  private String policyViolation(RoundStart start, java.util.List<String> keys, java.util.Set<String> participants) {
    RoundPolicy policy = study.policy();
    int number = start.getBinding().getRound();
    if (number < lastRoundNumber || number <= lastContributed) {
      return "round " + number + " was already run in this session (last round " + lastRoundNumber + ")";
    }
    if (roundsStarted >= policy.maxRounds() && number != lastRoundNumber) {
      return "round " + number + " would be round " + (roundsStarted + 1) + " of this session; the study declares "
          + policy.maxRounds();
    }
    if (start.getPhase() == Phase.STATISTICS && released && number != lastRoundNumber) {
      return "a second STATISTICS release in one session";
    }
    Map<String, ContributionLedger.Entry> recorded = keys.isEmpty() ? Map.of() : ledger.entries(studyKey());
    for (String key : keys) {
      ContributionLedger.Entry earlier = recorded.get(key);
      if (earlier != null && !earlier.sites().equals(participants)) {
        // The difference of the two sums would be the contribution of the sites in one set and not the other.
        return "it asks again for this site's " + described(key) + ", among other participants ("
            + String.join(", ", earlier.sites()) + " before, " + String.join(", ", participants) + " now)";
      }
    }
    return policy.refusal(start.getParticipantsCount(), start.getThreshold(), start.getNeighbours());
  }

  /**
   * Checks the round in flight's contributions against the ledger and records them among {@code
   * sites}, atomically for every session sharing the ledger: as the site sends its masked input
   * ({@code unmasked} false: {@code sites} are the participants, and must be those of any earlier
   * round of the same contributions), and as it is asked to sign the survivors ({@code unmasked}
   * true: {@code sites} are the set whose sum the aggregator would unmask, and must be the set
   * already unmasked, if any). A conflict refuses the round before the site sends anything more.
   */
  private void claim(java.util.Set<String> sites, boolean unmasked) {
    if (pendingKeys.isEmpty()) {
      return;
    }
    synchronized (ledger) {
      Map<String, ContributionLedger.Entry> recorded = ledger.entries(studyKey());
      java.util.List<String> changed = new java.util.ArrayList<>();
      for (String key : pendingKeys) {
        ContributionLedger.Entry earlier = recorded.get(key);
        if (earlier == null || !earlier.sites().equals(sites) || unmasked && !earlier.unmasked()) {
          changed.add(key);
        }
        if (earlier == null || earlier.sites().equals(sites)) {
          continue;
        }
        if (!unmasked) {
          throw refuse(lastRoundNumber, "it asks again for this site's " + described(key)
              + ", among other participants (" + String.join(", ", earlier.sites()) + " before, "
              + String.join(", ", sites) + " now)");
        }
        if (earlier.unmasked()) {
          // Reporting a site dropped out here would unmask the sum without it: the difference is that site's.
          throw refuse(lastRoundNumber, "it would unmask this site's " + described(key) + " among "
              + String.join(", ", sites) + "; it was unmasked among " + String.join(", ", earlier.sites())
              + " before");
        }
      }
      if (!changed.isEmpty()) {
        ledger.record(studyKey(), changed, new ContributionLedger.Entry(new java.util.TreeSet<>(sites), unmasked));
      }
    }
  }

  /** The study in the ledger: its definition digest, so a new version or changed content starts afresh. */
  private String studyKey() {
    return java.util.HexFormat.of().formatHex(study.definitionDigest());
  }

  /** A contribution key in words: its phase, and whether it is tied to a model. */
  private static String described(String key) {
    int colon = key.indexOf(':');
    return colon < 0 ? key + " contribution to this study"
        : key.substring(0, colon) + " contribution at a model it already contributed at";
  }

  /**
   * What a contribution to {@code start} is a function of, beyond the site's data: its phase, and
   * for a phase whose payload depends on it the model it is computed at (SHA-256 of the announced
   * weights). {@code STANDARDISE} moments do not depend on the model, so any announced model gives
   * the same key; a {@code TRAIN} payload carries the evaluation of the announced model too, so it
   * is also that model's {@code EVALUATE} contribution. Two rounds with the same key and different
   * sites would let the aggregator subtract one sum from the other. {@code STATISTICS} has none: a
   * session releases once, and the site's own release records govern versions and ε.
   */
  private static java.util.List<String> contributionKeys(RoundStart start) {
    return switch (start.getPhase()) {
      case STANDARDISE -> java.util.List.of(Phase.STANDARDISE.name());
      case TRAIN -> java.util.List.of(Phase.TRAIN + ":" + modelDigest(start), Phase.EVALUATE + ":" + modelDigest(start));
      case EVALUATE, STATISTICS_ITERATION -> java.util.List.of(start.getPhase() + ":" + modelDigest(start));
      default -> java.util.List.of();
    };
  }

  private static String modelDigest(RoundStart start) {
    java.nio.ByteBuffer weights = java.nio.ByteBuffer.allocate(8 * start.getGlobalModel().getWeightsCount());
    start.getGlobalModel().getWeightsList().forEach(weights::putDouble);
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(weights.array()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static java.util.Set<String> participantNames(RoundStart start) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    start.getParticipantsList().forEach(p -> names.add(p.getSiteName()));
    return names;
  }

  /** Null if every participant's key is endorsed by the network (or no endorsement is required), else why not. */
  private String unendorsed(RoundStart start) {
    if (verifier == null) {
      return null;
    }
    for (Participant p : start.getParticipantsList()) {
      String id = p.getSiteName() + "/" + java.util.HexFormat.of().formatHex(p.getSigningPublicKey().toByteArray());
      if (endorsed.contains(id)) {
        continue;
      }
      try {
        verifier.verify(p.getSiteName(), subject(p.getSigningPublicKey().toByteArray()),
            new SessionKeyEndorsement.Endorsement(p.getCertificate().toByteArray(), p.getKeyEndorsement().toByteArray()));
        endorsed.add(id);
      } catch (SessionKeyEndorsement.NotASiteException | SessionKeyEndorsement.UnpinnedKeyException e) {
        throw refuse(start, e.getMessage());
      } catch (SessionKeyEndorsement.RefusedException e) {
        return e.getMessage();
      }
    }
    return null;
  }

  private void startRound(RoundStart start) {
    StudyLimits.requireWithin(start);
    requirePhase(start.getPhase());
    java.util.List<String> keys = contributionKeys(start);
    java.util.Set<String> participants = participantNames(start);
    String violation = policyViolation(start, keys, participants);
    if (violation != null) {
      throw refuse(start, violation);
    }
    String refusal = unendorsed(start);
    if (refusal != null) {
      // Taking part would let whoever holds the substituted key unmask this site's contribution.
      LOG.log(Level.WARNING, "site takes no part in round {0}: {1}",
          new Object[] {start.getBinding().getRound(), refusal});
      round = null;
      encodedInput = null;
      return;
    }
    if (start.getBinding().getRound() != lastRoundNumber) {
      roundsStarted++;
      lastRoundNumber = start.getBinding().getRound();
    }
    released |= start.getPhase() == Phase.STATISTICS;
    pendingKeys = keys;
    pendingParticipants = participants;
    index = start.getYourIndex();
    Map<Integer, byte[]> signingKeys = new TreeMap<>();
    names.clear();
    for (Participant p : start.getParticipantsList()) {
      signingKeys.put(p.getIndex(), p.getSigningPublicKey().toByteArray());
      names.put(p.getIndex(), p.getSiteName());
    }
    double[] global = start.getGlobalModel().getWeightsList().stream().mapToDouble(Double::doubleValue).toArray();
    lastModel = global;
    trainingRounds = start.getTrainingRounds();
    Standardisation standardisation = new Standardisation(
        start.getStandardisation().getMeansList().stream().mapToDouble(Double::doubleValue).toArray(),
        start.getStandardisation().getSdsList().stream().mapToDouble(Double::doubleValue).toArray());
    double[] contribution = contribution(start, global, standardisation);
    FixedPointEncoding e = start.getEncoding();
    for (int i = 0; i < contribution.length; i++) {
      if (!(Math.abs(contribution[i]) <= e.getClip())) {
        // Clipping a moment sum or a gradient would silently bias the study: refuse instead.
        throw new IllegalArgumentException("contribution element " + i + " is outside the study's encoding range ±"
            + e.getClip());
      }
    }
    FixedPointCodec codec = FixedPointCodec.builder().modulusBits(e.getModulusBits())
        .fractionalBits(e.getFractionBits()).clip(e.getClip()).maxSites(signingKeys.size()).build();
    encodedInput = codec.encode(contribution, random);
    SecAggConfig config = ProtocolCodec.config(study.url(), study.version(), start.getBinding().getRound(), signingKeys,
        start.getThreshold(), start.getNeighbours(), contribution.length, e.getModulusBits());
    RoundId id = ProtocolCodec.roundId(start.getBinding());
    round = new SiteRound(config, id, index, signingKey.privateKey(), random);
    step(round::advertiseKeys);
  }

  /** Forgets the round in flight and says why the site refuses {@code start}. */
  private RoundRefusedException refuse(RoundStart start, String reason) {
    return refuse(start.getBinding().getRound(), reason);
  }

  private RoundRefusedException refuse(int number, String reason) {
    round = null;
    encodedInput = null;
    return new RoundRefusedException("this site refused round " + number + ": " + reason);
  }

  /** Refuses a round of a phase the site's kind of study does not have. */
  private void requirePhase(Phase phase) {
    if (phase == Phase.PHASE_UNSPECIFIED || phase == Phase.UNRECOGNIZED) {
      throw new IllegalArgumentException("round start without a phase");
    }
    boolean training = phase == Phase.STANDARDISE || phase == Phase.TRAIN || phase == Phase.EVALUATE;
    if (work instanceof TrainingWork && !training) {
      throw new IllegalArgumentException("a training study has no " + phase + " round");
    }
    if (work instanceof StatisticsWork && training) {
      throw new IllegalArgumentException("a statistics study has no " + phase + " round");
    }
    if (phase == Phase.STATISTICS_ITERATION && !(work instanceof RegressionWork)) {
      throw new IllegalArgumentException("this site's statistics study declares no logistic regression to iterate");
    }
  }

  /** The work's contribution to a round of {@code phase}, a phase of the site's kind of study. */
  private double[] contribution(RoundStart start, double[] global, Standardisation standardisation) {
    Phase phase = start.getPhase();
    int roundNumber = start.getBinding().getRound();
    int threshold = start.getThreshold();
    if (work instanceof TrainingWork training) {
      return switch (phase) {
        case STANDARDISE -> training.moments();
        case TRAIN -> concat(training.train(roundNumber, global, standardisation, terms(start)),
            training.evaluate(global, standardisation));
        case EVALUATE -> training.evaluate(global, standardisation);
        default -> throw new IllegalArgumentException("a training study has no " + phase + " round");
      };
    }
    StatisticsWork statistics = (StatisticsWork) work;
    return switch (phase) {
      case STATISTICS -> statistics.statistics(roundNumber, threshold);
      case STATISTICS_ITERATION -> ((RegressionWork) statistics).iterate(roundNumber, global);
      default -> throw new IllegalArgumentException("a statistics study has no " + phase + " round");
    };
  }

  private static RoundTerms terms(RoundStart start) {
    AnnouncedPrivacy privacy = null;
    if (start.hasPrivacy()) {
      org.fedfhir.federation.v1.RoundPrivacy p = start.getPrivacy();
      privacy = new AnnouncedPrivacy(p.getClip(), p.getShareVariance(), p.getLatticeStep(), p.getEpsilonSpent());
    }
    return new RoundTerms(start.getThreshold(), start.getEncoding().getFractionBits(), privacy);
  }

  private void step(java.util.function.Supplier<org.fedfhir.securecompute.secagg.SiteMessage> action) {
    if (round == null) {
      return;
    }
    try {
      send(ProtocolCodec.toProto(action.get(), study.url(), study.version()));
    } catch (SecAggException e) {
      LOG.log(Level.WARNING, "site leaves this round: {0}", e.getMessage());
      round = null;
      encodedInput = null;
    }
  }

  private void endRound(RoundEnd end) {
    round = null;
    encodedInput = null;
    if (end.getCompleted()) {
      completed = end.getRound();
      lastModel = end.getNextModel().getWeightsList().stream().mapToDouble(Double::doubleValue).toArray();
      java.util.Map<String, Double> metrics = new java.util.TreeMap<>();
      end.getNetworkMetricsList().forEach(m -> metrics.put(m.getName(), m.getValue()));
      work.roundCompleted(new RoundResult(end.getRound(), end.getPhase(), trainingRounds, lastModel, metrics));
    } else {
      work.roundAborted(end.getRound(), end.getReason());
    }
  }

  private void endStudy(StudyEnd end) {
    double[] model = end.hasFinalModel()
        ? end.getFinalModel().getWeightsList().stream().mapToDouble(Double::doubleValue).toArray()
        : lastModel;
    synchronized (this) {
      out.onCompleted();
    }
    outcome.complete(new Outcome(end.getCompletedRounds(), model));
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private final class Inbound implements StreamObserver<AggregatorMessage> {
    @Override
    public void onNext(AggregatorMessage m) {
      try {
        onMessage(m);
      } catch (RuntimeException e) {
        outcome.completeExceptionally(e);
        io.grpc.Status status = e instanceof RoundRefusedException
            ? io.grpc.Status.FAILED_PRECONDITION.withDescription(e.getMessage())
            : io.grpc.Status.INTERNAL.withDescription("site failed: " + e.getClass().getSimpleName());
        synchronized (SiteSession.this) {
          out.onError(status.asRuntimeException());
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      outcome.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      outcome.complete(new Outcome(completed, lastModel));
    }
  }
}
