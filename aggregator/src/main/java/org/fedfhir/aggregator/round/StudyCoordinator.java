package org.fedfhir.aggregator.round;

import com.google.protobuf.ByteString;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.Binding;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.GlobalModel;
import org.fedfhir.federation.v1.Join;
import org.fedfhir.federation.v1.Joined;
import org.fedfhir.federation.v1.NetworkMetric;
import org.fedfhir.federation.v1.Participant;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.RoundEnd;
import org.fedfhir.federation.v1.RoundStart;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.Stage;
import org.fedfhir.federation.v1.StudyEnd;
import org.fedfhir.aggregator.round.ProtocolViolation.Kind;
import org.fedfhir.aggregator.store.StoredModel;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyStatus;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.strategy.ModelVector;
import org.fedfhir.aggregator.strategy.RoundCounts;
import org.fedfhir.aggregator.strategy.Strategy;
import org.fedfhir.aggregator.strategy.StrategyState;
import org.fedfhir.aggregator.strategy.StrategyStates;
import org.fedfhir.aggregator.strategy.StrategyStep;

/**
 * Runs one study's rounds: waits for the study's minimum number of sites, runs each round with
 * secure aggregation ({@link SecureSum}, Bonawitz et al. 2017) under stage deadlines, treats a site
 * that leaves, times out or sends a refused message as a dropout, applies the study's
 * {@link Strategy} to the revealed sum and stores the next global model atomically with the round's
 * completion. A round that aborts (fewer than t sites left) reveals nothing and is run again.
 *
 * <p>All methods are synchronised: messages, disconnects and deadlines are handled one at a time.
 * The coordinator never logs or stores anything but the sum's consequence (the next model).
 */
public final class StudyCoordinator implements StudySession {

  private final StudyPlan plan;
  private final StudyStore store;
  private final SecureSum secureSum;
  private final Strategy strategy;
  private final Clock clock;
  private final FixedPointEncoding encoding;
  private final Phases phases;
  private final StageBarrier.Setting stages;

  private final Map<String, SiteLink> connected = new LinkedHashMap<>();
  /** Each joined site as a participant (index unset): its session key and, if sent, its endorsement. */
  private final Map<String, Participant> signingKeys = new HashMap<>();
  private ModelVector global;
  private StrategyState state;
  private double[] means;
  private double[] sds;
  /** The round in flight, or null. */
  private StageBarrier round;

  public StudyCoordinator(StudyPlan plan, StudyStore store, SecureSum secureSum, Strategy strategy,
      StageTimer timer, Clock clock, Duration stageTimeout, FixedPointEncoding encoding) {
    this.plan = plan;
    this.store = store;
    this.secureSum = secureSum;
    this.strategy = strategy;
    this.clock = clock;
    this.encoding = encoding;
    this.phases = new Phases(plan, strategy);
    this.stages = new StageBarrier.Setting(plan.ref(), connected::get, StageBarrier.underLock(this, timer),
        stageTimeout, "the study needs", this::ended);
    loadStandardisation();
    StoredModel latest = store.latestModel(plan.ref()).orElse(null);
    this.global = latest == null ? ModelVector.zeros(plan.modelDimension()) : latest.model();
    this.state = latest == null ? strategy.initialState(plan.modelDimension())
        : StrategyStates.decode(latest.strategyState(), strategy, plan.modelDimension());
  }

  private void loadStandardisation() {
    boolean done = store.rounds(plan.ref()).stream()
        .anyMatch(r -> r.number() == 1 && r.state() == org.fedfhir.aggregator.store.RoundState.COMPLETED);
    if (!done) {
      return;
    }
    Map<String, Double> m = store.metrics(plan.ref(), 1);
    int f = phases.features();
    means = new double[f];
    sds = new double[f];
    for (int j = 0; j < f; j++) {
      means[j] = m.getOrDefault("mean." + j, 0.0);
      sds[j] = m.getOrDefault("sd." + j, 1.0);
    }
  }

  public StudyPlan plan() {
    return plan;
  }

  /** The current global model (the start of the next round). */
  public synchronized ModelVector globalModel() {
    return global;
  }

  /** Number of the round in flight, or 0. */
  public synchronized int roundInFlight() {
    return round == null ? 0 : round.number();
  }

  /** Names of the sites with an open session. */
  public synchronized List<String> connectedSites() {
    return List.copyOf(connected.keySet());
  }

  /**
   * A site joins the study. A second session of the same site replaces the first (a restarted
   * site rejoins), which counts as a dropout of the round in flight.
   */
  public synchronized void join(SiteLink link, Join join) throws ProtocolViolation {
    String digest = HexFormat.of().formatHex(join.getDefinitionDigest().toByteArray());
    if (!digest.equals(plan.definitionDigest())) {
      throw new ProtocolViolation(Kind.DEFINITION_MISMATCH, "site '" + link.siteName()
          + "' holds another definition of " + plan.ref() + " (SHA-256 " + abbreviate(digest)
          + ", the aggregator's is " + abbreviate(plan.definitionDigest()) + ")");
    }
    if (join.getModelDimension() != plan.modelDimension()) {
      throw new ProtocolViolation(Kind.DEFINITION_MISMATCH, "site '" + link.siteName()
          + "' has a model of dimension " + join.getModelDimension() + "; the study's is "
          + plan.modelDimension());
    }
    if (join.getSigningPublicKey().size() != 32) {
      throw new ProtocolViolation(Kind.MALFORMED, "site '" + link.siteName()
          + "' sent no Ed25519 signing key (32 bytes) in its Join");
    }
    SiteLink previous = connected.remove(link.siteName());
    if (previous != null) {
      previous.refuse(new ProtocolViolation(Kind.ALREADY_CONNECTED,
          "superseded by a new session of site '" + link.siteName() + "'"));
      drop(link.siteName());
    }
    store.recordSiteJoined(plan.ref(), link.siteName(), clock.instant());
    connected.put(link.siteName(), link);
    signingKeys.put(link.siteName(), Participant.newBuilder().setSiteName(link.siteName())
        .setSigningPublicKey(join.getSigningPublicKey()).setCertificate(join.getCertificate())
        .setKeyEndorsement(join.getKeyEndorsement()).build());
    int completed = store.completedRounds(plan.ref());
    link.send(AggregatorMessage.newBuilder().setJoined(Joined.newBuilder()
        .setSiteName(link.siteName()).setCompletedRounds(completed).setTotalRounds(plan.rounds()))
        .build());
    if (store.status(plan.ref()).orElse(StudyStatus.ACTIVE) != StudyStatus.ACTIVE) {
      endStudyFor(link);
      return;
    }
    maybeStartRound();
  }

  /** A protocol message from a joined site. */
  @Override
  public synchronized void onMessage(String site, SiteMessage message) {
    SiteLink link = connected.get(site);
    if (link == null) {
      return; // the session was already ended
    }
    try {
      accept(site, message);
    } catch (ProtocolViolation v) {
      connected.remove(site);
      link.refuse(v);
      drop(site);
    }
  }

  private void accept(String site, SiteMessage message) throws ProtocolViolation {
    if (message.hasJoin()) {
      throw new ProtocolViolation(Kind.NOT_JOINED, "site '" + site + "' sent Join twice");
    }
    if (round == null) {
      throw new ProtocolViolation(Kind.WRONG_ROUND, "no round of " + plan.ref() + " is in flight");
    }
    round.accept(site, message);
  }

  /** A site's session ended (network failure, site shut down, cancelled). */
  @Override
  public synchronized void onDisconnect(SiteLink link) {
    if (connected.get(link.siteName()) == link) {
      connected.remove(link.siteName());
      drop(link.siteName());
    }
  }

  private void drop(String site) {
    if (round != null) {
      round.drop(site);
    }
  }

  private void maybeStartRound() {
    if (round != null || connected.size() < plan.minSites()) {
      return;
    }
    if (store.status(plan.ref()).orElse(StudyStatus.ACTIVE) == StudyStatus.STOPPED) {
      for (SiteLink l : new ArrayList<>(connected.values())) {
        endStudyFor(l); // retired by its owner: no more rounds
      }
      return;
    }
    int number = store.completedRounds(plan.ref()) + 1;
    if (number > phases.total()) {
      return;
    }
    Phase phase = phases.of(number);
    List<String> sites = new ArrayList<>(connected.keySet());
    sites.sort(null);
    int t = plan.thresholdFor(sites.size());
    List<Participant> participants = new ArrayList<>();
    for (int i = 0; i < sites.size(); i++) {
      participants.add(signingKeys.get(sites.get(i)).toBuilder().setIndex(i + 1).build());
    }
    int length = phases.payloadLength(phase);
    store.beginRound(plan.ref(), number, sites, clock.instant());
    SecureSum.Round protocol = secureSum.open(new SecureSum.RoundSetup(plan.ref().url(),
        plan.ref().version(), number, participants, t, length, encoding));
    round = new StageBarrier(stages, number, sites, protocol, encoding, length);
    GlobalModel model = toProto(global);
    round.start(index -> AggregatorMessage.newBuilder().setRoundStart(
        RoundStart.newBuilder()
            .setBinding(binding(number, Stage.ADVERTISE_KEYS))
            .addAllParticipants(participants)
            .setYourIndex(index)
            .setThreshold(t)
            .setGlobalModel(model)
            .setEncoding(encoding)
            .setPhase(phase)
            .setTrainingRounds(plan.rounds())
            .setStandardisation(standardisationProto()))
        .build());
  }

  /** The round in flight ended: the sum is used, or the round is run again. */
  private void ended(SecureSum.Outcome outcome) {
    StageBarrier r = round;
    if (outcome instanceof SecureSum.Sum sum) {
      complete(r, sum);
    } else if (outcome instanceof SecureSum.Aborted aborted) {
      abort(r, aborted.reason());
    }
  }

  private void complete(StageBarrier r, SecureSum.Sum sum) {
    List<String> dropouts = new ArrayList<>();
    r.names().forEach((i, name) -> {
      if (!sum.contributors().contains(i)) {
        dropouts.add(name);
      }
    });
    RoundCounts counts = new RoundCounts(r.names().size(), sum.contributors().size());
    Phase phase = phases.of(r.number());
    double[] values = sum.values();
    Map<String, Double> metrics = new TreeMap<>();
    metrics.put("contributors", (double) counts.contributors());
    metrics.put("dropouts", (double) counts.dropouts());
    ModelVector next = global;
    StrategyState nextState = state;
    if (phase == Phase.STANDARDISE) {
      standardise(values, metrics);
    } else {
      int tail = values.length - Phases.METRIC_TAIL;
      networkMetrics(java.util.Arrays.copyOfRange(values, tail, values.length), metrics);
      if (phase == Phase.TRAIN) {
        try {
          StrategyStep step = strategy.apply(global, java.util.Arrays.copyOf(values, tail), counts, state);
          next = step.model();
          nextState = step.state();
        } catch (IllegalArgumentException e) {
          abort(r, "the " + strategy.code() + " strategy could not use the sum: " + e.getMessage());
          return;
        }
      }
    }
    store.completeRound(plan.ref(), r.number(), dropouts, next, StrategyStates.encode(nextState), metrics,
        clock.instant());
    global = next;
    state = nextState;
    round = null;
    RoundEnd.Builder end = RoundEnd.newBuilder().setRound(r.number()).setCompleted(true).setPhase(phase)
        .setNextModel(toProto(global));
    for (String name : List.of("accuracy", "log-loss", "test-count")) {
      if (metrics.containsKey(name)) {
        end.addNetworkMetrics(NetworkMetric.newBuilder().setName(name).setValue(metrics.get(name)));
      }
    }
    AggregatorMessage message = AggregatorMessage.newBuilder().setRoundEnd(end).build();
    connected.values().forEach(l -> l.send(message));
    if (r.number() >= phases.total()) {
      store.setStatus(plan.ref(), StudyStatus.COMPLETED);
      for (SiteLink l : new ArrayList<>(connected.values())) {
        endStudyFor(l);
      }
    } else {
      maybeStartRound();
    }
  }

  /** Global means and SDs from per-feature {@code [n, Σx, Σx²]} sums (population SD; 1 where it is 0). */
  private void standardise(double[] sums, Map<String, Double> metrics) {
    int f = phases.features();
    means = new double[f];
    sds = new double[f];
    for (int j = 0; j < f; j++) {
      double n = Math.round(sums[3 * j]);
      double mean = n > 0 ? sums[3 * j + 1] / n : 0;
      double variance = n > 0 ? Math.max(0, sums[3 * j + 2] / n - mean * mean) : 0;
      means[j] = mean;
      sds[j] = variance > 1e-12 ? Math.sqrt(variance) : 1;
      metrics.put("mean." + j, means[j]);
      metrics.put("sd." + j, sds[j]);
    }
  }

  /** Network accuracy, log-loss and test count from the summed {@code [tp, fp, tn, fn, Σ log-loss]}. */
  private static void networkMetrics(double[] tail, Map<String, Double> metrics) {
    double tp = Math.round(tail[0]);
    double fp = Math.round(tail[1]);
    double tn = Math.round(tail[2]);
    double fn = Math.round(tail[3]);
    double n = tp + fp + tn + fn;
    if (n > 0) {
      metrics.put("accuracy", (tp + tn) / n);
      metrics.put("log-loss", tail[4] / n);
      metrics.put("test-count", n);
    }
  }

  private org.fedfhir.federation.v1.Standardisation standardisationProto() {
    var b = org.fedfhir.federation.v1.Standardisation.newBuilder();
    if (means != null) {
      for (int j = 0; j < means.length; j++) {
        b.addMeans(means[j]).addSds(sds[j]);
      }
    }
    return b.build();
  }


  private void abort(StageBarrier r, String reason) {
    store.abortRound(plan.ref(), r.number(), r.dropped(), reason, clock.instant());
    round = null;
    AggregatorMessage end = AggregatorMessage.newBuilder().setRoundEnd(RoundEnd.newBuilder()
        .setRound(r.number()).setCompleted(false).setReason(reason)).build();
    connected.values().forEach(l -> l.send(end));
    maybeStartRound();
  }

  private void endStudyFor(SiteLink link) {
    link.send(AggregatorMessage.newBuilder().setStudyEnd(StudyEnd.newBuilder()
        .setCompletedRounds(store.completedRounds(plan.ref()))).build());
    connected.remove(link.siteName());
    link.close();
  }

  private Binding binding(int number, Stage stage) {
    return Binding.newBuilder().setStudyUrl(plan.ref().url()).setStudyVersion(plan.ref().version())
        .setRound(number).setStage(stage).build();
  }

  static GlobalModel toProto(ModelVector m) {
    GlobalModel.Builder b = GlobalModel.newBuilder()
        .setDigest(ByteString.copyFrom(HexFormat.of().parseHex(m.digest())));
    for (int i = 0; i < m.dimension(); i++) {
      b.addWeights(m.get(i));
    }
    return b.build();
  }

  private static String abbreviate(String digest) {
    return digest.length() > 12 ? digest.substring(0, 12) + "…" : digest;
  }
}
