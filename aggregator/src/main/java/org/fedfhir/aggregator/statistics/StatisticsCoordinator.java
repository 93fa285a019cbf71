package org.fedfhir.aggregator.statistics;

import ca.uhn.fhir.context.FhirContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.Binding;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.GlobalModel;
import org.fedfhir.federation.v1.Join;
import org.fedfhir.federation.v1.Joined;
import org.fedfhir.federation.v1.Participant;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.RoundEnd;
import org.fedfhir.federation.v1.RoundStart;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.Stage;
import org.fedfhir.federation.v1.StudyEnd;
import org.fedfhir.aggregator.round.ProtocolViolation;
import org.fedfhir.aggregator.round.ProtocolViolation.Kind;
import org.fedfhir.aggregator.round.SecureSum;
import org.fedfhir.aggregator.round.SiteLink;
import org.fedfhir.aggregator.round.StageBarrier;
import org.fedfhir.aggregator.round.StageTimer;
import org.fedfhir.aggregator.round.StudySession;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.strategy.ModelVector;
import org.fedfhir.ig.StatisticsDeclarations;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.LogisticRegression;
import org.fedfhir.securecompute.statistics.PrivacyBudgetExhaustedException;
import org.fedfhir.securecompute.statistics.PrivacyLedger;
import org.fedfhir.securecompute.statistics.Release;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.fedfhir.securecompute.statistics.StatisticsEncoding;
import org.fedfhir.securecompute.statistics.SufficientStatistic;
import org.hl7.fhir.r4.model.Parameters;

/**
 * Runs a statistics study's releases over the network: sites join the study (as for training)
 * and wait; each {@link #run} takes the sites joined at that moment (at least the study's
 * min-sites), runs a round of secure aggregation ({@link SecureSum}, Bonawitz et al. 2017) of
 * their concatenated sufficient statistics (phase {@code STATISTICS}, the study's
 * {@link StatisticsEncoding}: modulus 2^64, no wrap-around possible), decodes the sum, combines
 * every statistic under the strictest disclosure policy of the study and the participants, with
 * the number of sites actually in the sum, and renders the FHIR answer
 * ({@link StatisticsResults}).
 *
 * <p>A study with {@code logistic-regression} statistics needs more rounds in the same run: the
 * first round carries each regression's Newton part at β = 0, and while a regression has not
 * converged ({@link LogisticRegression.Fit}) another round (phase {@code STATISTICS_ITERATION})
 * sums only the regressions' parts at the coefficients announced in {@code RoundStart.global_model},
 * among the previous round's contributors. The sites thus learn the iterates β; the researcher
 * gets the final coefficients and standard errors, or nothing if n or an outcome class is small.
 *
 * <p>A site that leaves, times out or sends a refused message drops out: the result then covers
 * the others and says how many (a regression says how many its last iteration covered); below the
 * threshold t the first round aborts and nothing is released, a later round ends the regressions
 * without a release and the other statistics are released. The participants' sessions end with
 * the run (a later run needs them to join again); sites that joined during the run wait for the
 * next one.
 *
 * <p>Kept: the round record (participants, dropouts, state), the released result and the ε
 * ledger ({@link ReleaseStore}). The ε of a release is charged to the ledger before anything is
 * computed and kept with the release, in one transaction of the durable store, before the release
 * is answered: if it cannot be kept nothing is released (the charge stays spent in memory and is
 * kept with the next release), so a restarted aggregator never lets ε be spent twice. Never kept
 * or logged: the sum before release (it exists only in this method's memory) and, since secure
 * aggregation never reveals one, any site's figures.
 */
public final class StatisticsCoordinator implements StudySession {

  /** The {@link StudyPlan#strategy()} of a statistics study. */
  public static final String STRATEGY = "statistics";

  /** A completed release. */
  public record Released(Parameters result, int sites, int round) {}

  private final StudyPlan plan;
  private final StatisticsDeclarations.Study study;
  private final List<SufficientStatistic<?, ?>> statistics;
  private final StudyStore store;
  private final ReleaseStore releases;
  private final SecureSum secureSum;
  private final Clock clock;
  private final String reporter;
  private final StageBarrier.Setting stages;
  private final SecureRandom random = new SecureRandom();

  private final Map<String, SiteLink> connected = new LinkedHashMap<>();
  /** Each joined site as a participant (index unset): its session key and, if sent, its endorsement. */
  private final Map<String, Participant> signingKeys = new HashMap<>();
  private final Map<String, DisclosurePolicy> policies = new HashMap<>();
  private Run run;
  private InFlight round;

  /**
   * A run: its first round carries every statistic, each later round the regressions' Newton
   * parts; it is released when every regression is done.
   */
  private static final class Run {
    final CompletableFuture<Released> result = new CompletableFuture<>();
    final List<String> participants;
    /** Per statistic, its result; for a regression, null until its fit is done. */
    final List<Object> results = new ArrayList<>();
    /** Per regression's index among the statistics, its fit. */
    final Map<Integer, LogisticRegression.Fit> fits = new TreeMap<>();
    int firstRound;
    int sites;

    Run(List<String> participants) {
      this.participants = List.copyOf(participants);
    }

    boolean iterating() {
      return fits.values().stream().anyMatch(f -> !f.done());
    }
  }

  /** The round in flight: its part of the run, and its stages. */
  private static final class InFlight {
    final Run run;
    final boolean first;
    final List<SufficientStatistic<?, ?>> parts;
    final DisclosurePolicy policy;
    final StageBarrier stages;

    InFlight(Run run, boolean first, List<SufficientStatistic<?, ?>> parts, DisclosurePolicy policy,
        StageBarrier stages) {
      this.run = run;
      this.first = first;
      this.parts = List.copyOf(parts);
      this.policy = policy;
      this.stages = stages;
    }
  }

  StatisticsCoordinator(StudyPlan plan, StatisticsDeclarations.Study study, StudyStore store, ReleaseStore releases,
      SecureSum secureSum, StageTimer timer, Clock clock, Duration stageTimeout, String reporter) {
    this.plan = plan;
    this.study = study;
    this.statistics = study.statistics().stream().<SufficientStatistic<?, ?>>map(StatisticDeclaration::statistic).toList();
    this.store = store;
    this.releases = releases;
    this.secureSum = secureSum;
    this.clock = clock;
    this.reporter = reporter;
    this.stages = new StageBarrier.Setting(plan.ref(), connected::get, StageBarrier.underLock(this, timer),
        stageTimeout, "the study's statistics need", this::ended);
  }

  public StudyPlan plan() {
    return plan;
  }

  /** @return the most secure-aggregation rounds a run can take: one, or one per Newton iteration */
  public int maxRoundsPerRun() {
    return study.statistics().stream().anyMatch(StatisticDeclaration::iterative) ? LogisticRegression.MAX_ITERATIONS : 1;
  }

  /** Names of the sites that joined and wait for the next run. */
  public synchronized List<String> joinedSites() {
    return List.copyOf(connected.keySet());
  }

  /** A site joins: same definition (digest), same vector length; it waits for the next run. */
  public synchronized void join(SiteLink link, Join join) throws ProtocolViolation {
    String digest = HexFormat.of().formatHex(join.getDefinitionDigest().toByteArray());
    if (!digest.equals(plan.definitionDigest())) {
      throw new ProtocolViolation(Kind.DEFINITION_MISMATCH, "site '" + link.siteName()
          + "' holds another definition of " + plan.ref());
    }
    if (join.getModelDimension() != study.length()) {
      throw new ProtocolViolation(Kind.DEFINITION_MISMATCH, "site '" + link.siteName() + "' contributes "
          + join.getModelDimension() + " numbers; the study's statistics have " + study.length());
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
    int min = join.hasDisclosure() && join.getDisclosure().getMinCellCount() > 0
        ? join.getDisclosure().getMinCellCount() : DisclosurePolicy.DEFAULT_MIN_CELL_COUNT;
    policies.put(link.siteName(), new DisclosurePolicy(min, join.getDisclosure().getSuppressZeros()));
    store.recordSiteJoined(plan.ref(), link.siteName(), clock.instant());
    connected.put(link.siteName(), link);
    signingKeys.put(link.siteName(), Participant.newBuilder().setSiteName(link.siteName())
        .setSigningPublicKey(join.getSigningPublicKey()).setCertificate(join.getCertificate())
        .setKeyEndorsement(join.getKeyEndorsement()).build());
    link.send(AggregatorMessage.newBuilder().setJoined(Joined.newBuilder().setSiteName(link.siteName())
        .setCompletedRounds(store.completedRounds(plan.ref())).setTotalRounds(plan.rounds())).build());
    notifyAll();
  }

  /**
   * Starts one release with the sites joined now, waiting up to {@code joinWait} for the study's
   * min-sites to have joined.
   *
   * @return completes with the release, or exceptionally with a {@link StatisticsRunRefused} of
   *     kind {@code ABORTED} or {@code BUDGET_EXHAUSTED}
   * @throws StatisticsRunRefused if a run is in flight, too few sites joined, or the ε budget
   *     cannot pay for the study's statistics
   */
  public synchronized CompletableFuture<Released> run(Duration joinWait)
      throws StatisticsRunRefused, InterruptedException {
    if (run != null) {
      throw new StatisticsRunRefused(StatisticsRunRefused.Kind.BUSY, "a run of " + plan.ref() + " is in flight");
    }
    long deadline = System.nanoTime() + joinWait.toNanos();
    while (connected.size() < plan.minSites()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new StatisticsRunRefused(StatisticsRunRefused.Kind.TOO_FEW_SITES, connected.size()
            + " site(s) joined " + plan.ref() + "; the study needs at least " + plan.minSites()
            + " (min-sites): each site joins with POST [site]/PlanDefinition/{id}/$secure-stats");
      }
      wait(Math.max(1, left / 1_000_000));
    }
    if (run != null) {
      throw new StatisticsRunRefused(StatisticsRunRefused.Kind.BUSY, "a run of " + plan.ref() + " is in flight");
    }
    Optional<PrivacyLedger> ledger = ledger();
    double epsilon = study.statistics().stream().mapToDouble(d -> d.epsilon().orElse(0.0)).sum();
    if (ledger.isPresent() && epsilon > ledger.get().remaining() + 1e-12) {
      throw new StatisticsRunRefused(StatisticsRunRefused.Kind.BUDGET_EXHAUSTED, "the statistics of " + plan.ref()
          + " spend ε " + epsilon + " but only " + ledger.get().remaining() + " of the study's budget "
          + ledger.get().budget() + " is left");
    }
    List<String> sites = new ArrayList<>(connected.keySet());
    sites.sort(null);
    Run r = new Run(sites);
    for (int i = 0; i < statistics.size(); i++) {
      StatisticDeclaration d = study.statistics().get(i);
      r.results.add(null);
      if (d.iterative()) {
        r.fits.put(i, d.logisticRegression().fit());
      }
    }
    run = r;
    startRound(r, sites, true);
    return r.result;
  }

  /** The study's ε ledger, if it uses differential privacy: the store's, with every charge kept. */
  private Optional<PrivacyLedger> ledger() {
    return study.epsilonBudget().map(b -> releases.ledger(plan.ref(), b));
  }

  /**
   * Starts a round of {@code r} among {@code sites}: the first carries every statistic, a later
   * one the regressions' Newton parts at their current coefficients (announced in the RoundStart).
   */
  private void startRound(Run r, List<String> sites, boolean first) {
    int n = sites.size();
    List<SufficientStatistic<?, ?>> parts = new ArrayList<>();
    List<Double> coefficients = new ArrayList<>();
    if (first) {
      parts.addAll(statistics);
    } else {
      for (LogisticRegression.Fit fit : r.fits.values()) {
        parts.add(fit.next());
        for (double c : fit.coefficients()) {
          coefficients.add(c);
        }
      }
    }
    StatisticsEncoding encoding = StatisticsEncoding.forStudy(parts, study.maxRecordsPerSite(), n);
    FixedPointEncoding wire = FixedPointEncoding.newBuilder().setModulusBits(StatisticsEncoding.MODULUS_BITS)
        .setFractionBits(encoding.codec().fractionalBits()).setClip(encoding.codec().clip()).build();
    List<Participant> participants = new ArrayList<>();
    List<DisclosurePolicy> sitePolicies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      participants.add(signingKeys.get(sites.get(i)).toBuilder().setIndex(i + 1).build());
      sitePolicies.add(policies.get(sites.get(i)));
    }
    int number = store.completedRounds(plan.ref()) + 1;
    if (first) {
      r.firstRound = number;
    }
    int t = plan.thresholdFor(n);
    store.beginRound(plan.ref(), number, sites, clock.instant());
    SecureSum.Round protocol = secureSum.open(new SecureSum.RoundSetup(plan.ref().url(), plan.ref().version(),
        number, participants, t, encoding.length(), wire));
    round = new InFlight(r, first, parts, DisclosurePolicy.strictest(study.policy(), sitePolicies),
        new StageBarrier(stages, number, sites, protocol, wire, encoding.length()));
    RoundStart.Builder start = RoundStart.newBuilder().addAllParticipants(participants).setThreshold(t)
        .setEncoding(wire).setPhase(first ? Phase.STATISTICS : Phase.STATISTICS_ITERATION)
        .setBinding(binding(number, Stage.ADVERTISE_KEYS));
    if (!first) {
      start.setGlobalModel(GlobalModel.newBuilder().addAllWeights(coefficients));
    }
    round.stages.start(index -> AggregatorMessage.newBuilder().setRoundStart(start.clone().setYourIndex(index))
        .build());
  }

  @Override
  public synchronized void onMessage(String site, SiteMessage message) {
    SiteLink link = connected.get(site);
    if (link == null) {
      return;
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
      throw new ProtocolViolation(Kind.WRONG_ROUND, "no run of " + plan.ref() + " is in flight");
    }
    round.stages.accept(site, message);
  }

  @Override
  public synchronized void onDisconnect(SiteLink link) {
    if (connected.get(link.siteName()) == link) {
      connected.remove(link.siteName());
      drop(link.siteName());
    }
  }

  private void drop(String site) {
    if (round != null) {
      round.stages.drop(site);
    }
  }

  /** The round in flight ended: its sum is combined, or the run ends. */
  private void ended(SecureSum.Outcome outcome) {
    InFlight r = round;
    if (outcome instanceof SecureSum.Sum sum) {
      complete(r, sum);
    } else if (outcome instanceof SecureSum.Aborted aborted) {
      abort(r, aborted.reason(), StatisticsRunRefused.Kind.ABORTED);
    }
  }

  private void complete(InFlight r, SecureSum.Sum sum) {
    int sites = sum.contributors().size();
    List<String> dropouts = new ArrayList<>();
    List<String> contributors = new ArrayList<>();
    r.stages.names().forEach((i, name) -> (sum.contributors().contains(i) ? contributors : dropouts).add(name));
    Run current = r.run;
    double[] values = sum.values();
    try {
      combine(r, values, sites);
    } catch (PrivacyBudgetExhaustedException | IllegalArgumentException e) {
      abort(r, "nothing released: " + e.getMessage(), StatisticsRunRefused.Kind.BUDGET_EXHAUSTED);
      return;
    } finally {
      Arrays.fill(values, 0);
    }
    if (r.first) {
      current.sites = sites;
    }
    Map<String, Double> metrics = new TreeMap<>();
    metrics.put("contributors", (double) sites);
    metrics.put("dropouts", (double) dropouts.size());
    // A statistics round produces no model: its record carries the placeholder model of dimension 1.
    store.completeRound(plan.ref(), r.stages.number(), dropouts, ModelVector.zeros(1), new byte[0], metrics, clock.instant());
    round = null;
    sendRoundEnd(r, RoundEnd.newBuilder().setRound(r.stages.number()).setCompleted(true)
        .setPhase(r.first ? Phase.STATISTICS : Phase.STATISTICS_ITERATION));
    next(current, contributors);
  }

  /**
   * Combines one round's sum: in the first round every statistic (the regressions take their
   * first Newton step), in a later round the regressions that still iterate.
   */
  private void combine(InFlight r, double[] values, int sites) throws PrivacyBudgetExhaustedException {
    Run current = r.run;
    Release plain = Release.of(r.policy, sites);
    List<Object> results = new ArrayList<>(current.results);
    int offset = 0;
    if (r.first) {
      Optional<PrivacyLedger> ledger = ledger();
      for (int s = 0; s < statistics.size(); s++) {
        SufficientStatistic<?, ?> statistic = statistics.get(s);
        double[] part = Arrays.copyOfRange(values, offset, offset + statistic.length());
        offset += statistic.length();
        LogisticRegression.Fit fit = current.fits.get(s);
        if (fit != null) {
          fit.accept(part, plain);
          continue;
        }
        Release release = plain;
        Optional<Double> epsilon = study.statistics().get(s).epsilon();
        if (epsilon.isPresent()) {
          release = release.withPrivacy(ledger.orElseThrow(), epsilon.get(), random);
        }
        results.set(s, statistic.combine(part, release));
      }
      current.results.clear();
      current.results.addAll(results);
      return;
    }
    int p = 0;
    for (LogisticRegression.Fit fit : current.fits.values()) {
      int length = r.parts.get(p++).length();
      if (!fit.done()) {
        fit.accept(Arrays.copyOfRange(values, offset, offset + length), plain);
      }
      offset += length;
    }
  }

  /** After a round: another Newton round among its contributors, or the release. */
  private void next(Run r, List<String> contributors) {
    if (r.iterating()) {
      List<String> sites = new ArrayList<>();
      for (String site : contributors) {
        if (connected.containsKey(site)) {
          sites.add(site);
        }
      }
      if (sites.size() >= plan.minSites()) {
        startRound(r, sites, false);
        return;
      }
      failFits(r, "only " + sites.size() + " site(s) remained for the next iteration; the study needs "
          + plan.minSites() + " (min-sites)");
    }
    release(r);
  }

  private static void failFits(Run r, String reason) {
    r.fits.values().stream().filter(f -> !f.done()).forEach(f -> f.fail(reason));
  }

  /**
   * Renders and records the run's release (with the ε it charged), ends the participants' sessions;
   * answers the release only once it is recorded, and nothing if it cannot be.
   */
  private void release(Run r) {
    r.fits.forEach((s, fit) -> r.results.set(s, fit.result()));
    Instant now = clock.instant();
    Optional<PrivacyLedger> ledger = ledger();
    Parameters answer = StatisticsResults.render(plan.ref(), r.sites, r.results, ledger, Date.from(now), reporter);
    RuntimeException unrecorded = null;
    try {
      releases.record(new ReleaseStore.StoredRelease(plan.ref(), r.firstRound, r.sites, now,
          FhirContext.forR4Cached().newJsonParser().encodeResourceToString(answer)));
    } catch (RuntimeException e) {
      unrecorded = e;
    }
    run = null;
    endParticipants(r);
    if (unrecorded != null) {
      r.result.completeExceptionally(new StatisticsRunRefused(StatisticsRunRefused.Kind.ABORTED, "the release of "
          + plan.ref() + " could not be recorded, so nothing is released: " + unrecorded.getMessage()));
      return;
    }
    r.result.complete(new Released(answer, r.sites, r.firstRound));
  }

  private void abort(InFlight r, String reason, StatisticsRunRefused.Kind kind) {
    store.abortRound(plan.ref(), r.stages.number(), r.stages.dropped(), reason, clock.instant());
    round = null;
    sendRoundEnd(r, RoundEnd.newBuilder().setRound(r.stages.number()).setCompleted(false).setReason(reason)
        .setPhase(r.first ? Phase.STATISTICS : Phase.STATISTICS_ITERATION));
    if (!r.first) {
      // The first round's statistics stand; the regressions end without a release.
      failFits(r.run, "round " + r.stages.number() + " aborted: " + reason);
      release(r.run);
      return;
    }
    run = null;
    endParticipants(r.run);
    r.run.result.completeExceptionally(new StatisticsRunRefused(kind, "round " + r.stages.number() + " of " + plan.ref()
        + " released nothing: " + reason));
  }

  private void sendRoundEnd(InFlight r, RoundEnd.Builder end) {
    AggregatorMessage roundEnd = AggregatorMessage.newBuilder().setRoundEnd(end).build();
    for (String site : r.stages.names().values()) {
      SiteLink link = connected.get(site);
      if (link != null) {
        link.send(roundEnd);
      }
    }
  }

  /** The run is over for its participants: StudyEnd, session closed. */
  private void endParticipants(Run r) {
    AggregatorMessage studyEnd = AggregatorMessage.newBuilder().setStudyEnd(StudyEnd.newBuilder()
        .setCompletedRounds(store.completedRounds(plan.ref()))).build();
    for (String site : r.participants) {
      SiteLink link = connected.get(site);
      if (link != null) {
        link.send(studyEnd);
        connected.remove(site);
        link.close();
      }
    }
  }

  private Binding binding(int number, Stage stage) {
    return Binding.newBuilder().setStudyUrl(plan.ref().url()).setStudyVersion(plan.ref().version())
        .setRound(number).setStage(stage).build();
  }
}
