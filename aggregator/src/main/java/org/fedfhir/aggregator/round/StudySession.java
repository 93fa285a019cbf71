package org.fedfhir.aggregator.round;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fedfhir.aggregator.round.ProtocolViolation.Kind;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyStatus;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.Binding;
import org.fedfhir.federation.v1.Join;
import org.fedfhir.federation.v1.Joined;
import org.fedfhir.federation.v1.Participant;
import org.fedfhir.federation.v1.RoundEnd;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.Stage;
import org.fedfhir.federation.v1.StudyEnd;
import org.fedfhir.securecompute.secagg.GraphPolicy;

/**
 * One study at the aggregator, of any kind: the sites joined to it, and its rounds as its
 * {@link RoundPlan} says. A site joins with the study's definition digest, its signing key and an
 * input the plan admits; a second session of the same site supersedes the first. Each round runs
 * with secure aggregation ({@link SecureSum}, Bonawitz et al. 2017) under stage deadlines
 * ({@link StageBarrier}); a site that leaves, times out or sends a refused message drops out of the
 * round in flight. The revealed sum goes to the plan, and the round's consequence (never the sum)
 * is recorded in the {@link StudyStore} with the round's completion; a round that aborts (fewer
 * than t sites left) reveals nothing.
 *
 * <p>All methods are synchronised: messages, disconnects and deadlines are handled one at a time.
 * The gRPC edge hands the session every message of a joined site and the end of its session.
 */
public final class StudySession {

  /** What a {@link #request} does under the session's lock. */
  public interface Request<T, E extends Exception> {

    /** Refuses the request at once (before waiting for sites), or returns. */
    void check() throws E;

    /** Refuses the request or sets the plan going, with the sites joined now (sorted). */
    T start(List<String> joined) throws E;
  }

  private final StudyPlan plan;
  private final RoundPlan rounds;
  private final StudyStore store;
  private final SecureSum secureSum;
  private final Clock clock;
  private final StageBarrier.Setting stages;

  private final Map<String, SiteLink> connected = new LinkedHashMap<>();
  /** Each joined site as a participant (index unset): its session key and, if sent, its endorsement. */
  private final Map<String, Participant> signingKeys = new HashMap<>();
  /** The round in flight and its stages, or null. */
  private RoundPlan.Round current;
  private StageBarrier round;

  public StudySession(StudyPlan plan, RoundPlan rounds, StudyStore store, SecureSum secureSum,
      StageTimer timer, Clock clock, Duration stageTimeout) {
    this.plan = plan;
    this.rounds = rounds;
    this.store = store;
    this.secureSum = secureSum;
    this.clock = clock;
    this.stages = new StageBarrier.Setting(plan.ref(), connected::get, StageBarrier.underLock(this, timer),
        stageTimeout, rounds.needs(), this::ended);
  }

  public StudyPlan plan() {
    return plan;
  }

  /** The study's round plan; read it under the session's lock only ({@link #request}). */
  public RoundPlan rounds() {
    return rounds;
  }

  /** Number of the round in flight, or 0. */
  public synchronized int roundInFlight() {
    return round == null ? 0 : round.number();
  }

  /** Names of the sites with an open session. */
  public synchronized List<String> joinedSites() {
    return List.copyOf(connected.keySet());
  }

  /**
   * A site joins the study. A second session of the same site replaces the first (a restarted
   * site rejoins), which counts as a dropout of the round in flight.
   */
  public synchronized void join(SiteLink link, Join join) throws ProtocolViolation {
    String site = link.siteName();
    String digest = HexFormat.of().formatHex(join.getDefinitionDigest().toByteArray());
    if (!digest.equals(plan.definitionDigest())) {
      throw new ProtocolViolation(Kind.DEFINITION_MISMATCH, "site '" + site
          + "' holds another definition of " + plan.ref() + " (SHA-256 " + abbreviate(digest)
          + ", the aggregator's is " + abbreviate(plan.definitionDigest()) + ")");
    }
    if (join.getSigningPublicKey().size() != 32) {
      throw new ProtocolViolation(Kind.MALFORMED, "site '" + site
          + "' sent no Ed25519 signing key (32 bytes) in its Join");
    }
    rounds.admit(site, join);
    SiteLink previous = connected.remove(site);
    if (previous != null) {
      previous.refuse(new ProtocolViolation(Kind.ALREADY_CONNECTED,
          "superseded by a new session of site '" + site + "'"));
      drop(site);
    }
    store.recordSiteJoined(plan.ref(), site, clock.instant());
    connected.put(site, link);
    signingKeys.put(site, Participant.newBuilder().setSiteName(site)
        .setSigningPublicKey(join.getSigningPublicKey()).setCertificate(join.getCertificate())
        .setKeyEndorsement(join.getKeyEndorsement()).build());
    link.send(AggregatorMessage.newBuilder().setJoined(Joined.newBuilder().setSiteName(site)
        .setCompletedRounds(store.completedRounds(plan.ref())).setTotalRounds(plan.rounds())).build());
    notifyAll();
    if (store.status(plan.ref()).orElse(StudyStatus.ACTIVE) != StudyStatus.ACTIVE) {
      endStudyFor(link);
      return;
    }
    advance();
  }

  /**
   * Under the session's lock: {@code request} checks, then waits up to {@code wait} for at least
   * {@code minSites} joined sites, then starts with the sites joined (perhaps fewer), after which
   * the session starts what the plan says next.
   */
  public synchronized <T, E extends Exception> T request(int minSites, Duration wait, Request<T, E> request)
      throws E, InterruptedException {
    request.check();
    long deadline = System.nanoTime() + wait.toNanos();
    while (connected.size() < minSites) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    T started = request.start(sorted(connected.keySet()));
    advance();
    return started;
  }

  /** A protocol message from a joined site. */
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

  /** With no round in flight: what the plan says next. */
  private void advance() {
    if (round != null) {
      return;
    }
    RoundPlan.Step step = rounds.next(store.completedRounds(plan.ref()), sorted(connected.keySet()));
    if (step instanceof RoundPlan.End end) {
      if (end.studyCompleted()) {
        store.setStatus(plan.ref(), StudyStatus.COMPLETED);
      }
      for (String site : end.sites()) {
        SiteLink link = connected.get(site);
        if (link != null) {
          endStudyFor(link);
        }
      }
      end.afterwards().run();
    } else if (step instanceof RoundPlan.Start start) {
      if (store.status(plan.ref()).orElse(StudyStatus.ACTIVE) == StudyStatus.STOPPED) {
        for (SiteLink l : new ArrayList<>(connected.values())) {
          endStudyFor(l); // retired by its owner: no more rounds
        }
        return;
      }
      start(start.round());
    }
  }

  private void start(RoundPlan.Round next) {
    int number = next.number();
    List<String> sites = next.sites();
    // SecAgg+'s sparse graph where GraphPolicy.DEFAULT finds it safe for this many sites (its own
    // threshold per neighbourhood); else the complete graph with the plan's threshold.
    int k = GraphPolicy.DEFAULT.degree(sites.size());
    int neighbours = k < sites.size() - 1 ? k : 0;
    int t = neighbours > 0 ? GraphPolicy.DEFAULT.threshold(sites.size(), k) : plan.thresholdFor(sites.size());
    List<Participant> participants = new ArrayList<>();
    for (int i = 0; i < sites.size(); i++) {
      participants.add(signingKeys.get(sites.get(i)).toBuilder().setIndex(i + 1).build());
    }
    store.beginRound(plan.ref(), number, sites, clock.instant());
    SecureSum.Round protocol = secureSum.open(new SecureSum.RoundSetup(plan.ref().url(),
        plan.ref().version(), number, participants, t, next.length(), next.encoding(), neighbours));
    current = next;
    round = new StageBarrier(stages, number, sites, protocol, next.encoding(), next.length());
    round.start(index -> AggregatorMessage.newBuilder().setRoundStart(next.announced().toBuilder()
            .setBinding(binding(number, Stage.ADVERTISE_KEYS))
            .addAllParticipants(participants)
            .setYourIndex(index)
            .setThreshold(t)
            .setNeighbours(neighbours))
        .build());
  }

  /** The round in flight ended: the plan folds the sum, or the round aborts. */
  private void ended(SecureSum.Outcome outcome) {
    if (outcome instanceof SecureSum.Sum sum) {
      complete(sum);
    } else if (outcome instanceof SecureSum.Aborted aborted) {
      abort(aborted.reason());
    }
  }

  private void complete(SecureSum.Sum sum) {
    List<String> dropouts = new ArrayList<>();
    List<String> contributors = new ArrayList<>();
    round.names().forEach((i, name) -> (sum.contributors().contains(i) ? contributors : dropouts).add(name));
    RoundPlan.Folded folded;
    try {
      folded = rounds.fold(current, sum.values(), contributors);
    } catch (RoundPlan.Unusable e) {
      abort(e.getMessage());
      return;
    }
    Map<String, Double> metrics = new TreeMap<>(folded.metrics());
    metrics.put("contributors", (double) contributors.size());
    metrics.put("dropouts", (double) dropouts.size());
    store.completeRound(plan.ref(), round.number(), dropouts, folded.model(), folded.state(), metrics,
        clock.instant());
    List<SiteLink> hearing = hearingTheEnd();
    RoundEnd.Builder end = folded.end().toBuilder().setRound(round.number()).setCompleted(true)
        .setPhase(current.phase());
    round = null;
    current = null;
    announce(hearing, end);
    advance();
  }

  private void abort(String reason) {
    store.abortRound(plan.ref(), round.number(), round.dropped(), reason, clock.instant());
    RoundPlan.Round aborted = current;
    List<SiteLink> hearing = hearingTheEnd();
    RoundEnd.Builder end = RoundEnd.newBuilder().setRound(round.number()).setCompleted(false).setReason(reason)
        .setPhase(aborted.phase());
    round = null;
    current = null;
    announce(hearing, end);
    rounds.aborted(aborted, reason);
    advance();
  }

  /** Who hears the round's end: every joined site or the round's sites still joined, as the plan says. */
  private List<SiteLink> hearingTheEnd() {
    List<SiteLink> to = new ArrayList<>();
    if (rounds.roundEndToEveryJoinedSite()) {
      to.addAll(connected.values());
    } else {
      for (String site : round.names().values()) {
        SiteLink link = connected.get(site);
        if (link != null) {
          to.add(link);
        }
      }
    }
    return to;
  }

  private static void announce(List<SiteLink> to, RoundEnd.Builder end) {
    AggregatorMessage message = AggregatorMessage.newBuilder().setRoundEnd(end).build();
    to.forEach(l -> l.send(message));
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

  private static List<String> sorted(Iterable<String> names) {
    List<String> list = new ArrayList<>();
    names.forEach(list::add);
    list.sort(null);
    return list;
  }

  private static String abbreviate(String digest) {
    return digest.length() > 12 ? digest.substring(0, 12) + "…" : digest;
  }
}
