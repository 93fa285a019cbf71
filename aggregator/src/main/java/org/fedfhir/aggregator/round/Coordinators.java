package org.fedfhir.aggregator.round;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fedfhir.aggregator.store.RoundRecord;
import org.fedfhir.aggregator.store.StoredModel;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.store.RoundState;
import org.fedfhir.aggregator.strategy.AggregationStrategy;
import org.fedfhir.aggregator.strategy.Strategies;
import org.fedfhir.federation.v1.FixedPointEncoding;

/**
 * The {@link StudySession}s of all studies published at the aggregator, one per study: a training
 * study's is created when a site first joins it, from its records in the store (a
 * {@link TrainingPlan} resumed at its last completed round); a statistics study's is
 * {@link #open opened} when the study is published (its round plan is read from the
 * PlanDefinition). {@link #startUp} is the restart recovery: every round found in flight is aborted
 * (nothing of it was revealed) and runs again from the last completed round's stored model and state.
 */
public final class Coordinators {

  /** Reason recorded on rounds that were in flight when the aggregator stopped. */
  public static final String RESTART_REASON = "the aggregator restarted while the round was in flight";

  private final StudyStore store;
  private final SecureSum secureSum;
  private final StageTimer timer;
  private final Clock clock;
  private final Duration stageTimeout;
  private final FixedPointEncoding encoding;
  private final Map<StudyRef, StudySession> byStudy = new HashMap<>();

  private Coordinators(StudyStore store, SecureSum secureSum, StageTimer timer, Clock clock,
      Duration stageTimeout, FixedPointEncoding encoding) {
    this.store = store;
    this.secureSum = secureSum;
    this.timer = timer;
    this.clock = clock;
    this.stageTimeout = stageTimeout;
    this.encoding = encoding;
  }

  /**
   * Recovers the store after a restart and returns the sessions, with the rounds aborted.
   *
   * @param encoding the fixed-point encoding of training rounds
   */
  public static Recovered startUp(StudyStore store, SecureSum secureSum, StageTimer timer,
      Clock clock, Duration stageTimeout, FixedPointEncoding encoding) {
    List<RoundRecord> aborted = store.abortAllInFlight(RESTART_REASON, clock.instant());
    return new Recovered(new Coordinators(store, secureSum, timer, clock, stageTimeout, encoding),
        aborted);
  }

  /** The sessions and the rounds recovery aborted. */
  public record Recovered(Coordinators coordinators, List<RoundRecord> abortedRounds) {}

  /**
   * The study's session, if the study is published: the one opened for it, or for a training
   * study one created from its records. Empty for a statistics study not opened (since a restart).
   */
  public synchronized Optional<StudySession> forStudy(StudyRef ref) {
    StudySession s = byStudy.get(ref);
    if (s != null) {
      return Optional.of(s);
    }
    return store.study(ref).filter(plan -> !plan.isStatistics()).map(plan -> {
      StudySession created = new StudySession(plan, resume(plan), store, secureSum, timer, clock, stageTimeout);
      byStudy.put(ref, created);
      return created;
    });
  }

  /** The study's session with {@code rounds}: opened once, the same session after. */
  public synchronized StudySession open(StudyPlan plan, RoundPlan rounds) {
    return byStudy.computeIfAbsent(plan.ref(),
        ref -> new StudySession(plan, rounds, store, secureSum, timer, clock, stageTimeout));
  }

  /** True if the store holds the study as a statistics study (published now or before a restart). */
  public boolean isStatistics(StudyRef ref) {
    return store.study(ref).map(StudyPlan::isStatistics).orElse(false);
  }

  /** A training study's plan, resumed from its last completed round and its standardisation. */
  private TrainingPlan resume(StudyPlan plan) {
    AggregationStrategy strategy = Strategies.of(plan.strategy(), plan.modelDimension(), plan.proximalMu(),
        plan.serverLearningRate(), plan.l2());
    Optional<StoredModel> latest = store.latestModel(plan.ref());
    boolean standardised = store.rounds(plan.ref()).stream()
        .anyMatch(r -> r.number() == 1 && r.state() == RoundState.COMPLETED);
    int trained = (int) store.rounds(plan.ref()).stream()
        .filter(r -> r.number() >= 2 && r.number() <= plan.rounds() + 1 && r.state() == RoundState.COMPLETED).count();
    return new TrainingPlan(plan, strategy, encoding, latest,
        standardised ? Optional.of(store.metrics(plan.ref(), 1)) : Optional.empty(), trained);
  }
}
