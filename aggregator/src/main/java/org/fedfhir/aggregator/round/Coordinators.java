package org.fedfhir.aggregator.round;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.aggregator.store.RoundRecord;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.strategy.Strategies;
import org.fedfhir.aggregator.strategy.Strategy;

/**
 * The coordinators of all studies published at the aggregator, created when a site first joins a
 * study. {@link #startUp} is the restart recovery: every round found in flight is aborted (nothing
 * of it was revealed) and runs again from the last completed round's stored model and state.
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
  private final Map<StudyRef, StudyCoordinator> byStudy = new HashMap<>();

  private Coordinators(StudyStore store, SecureSum secureSum, StageTimer timer, Clock clock,
      Duration stageTimeout, FixedPointEncoding encoding) {
    this.store = store;
    this.secureSum = secureSum;
    this.timer = timer;
    this.clock = clock;
    this.stageTimeout = stageTimeout;
    this.encoding = encoding;
  }

  /** Recovers the store after a restart and returns the coordinators, with the rounds aborted. */
  public static Recovered startUp(StudyStore store, SecureSum secureSum, StageTimer timer,
      Clock clock, Duration stageTimeout, FixedPointEncoding encoding) {
    List<RoundRecord> aborted = store.abortAllInFlight(RESTART_REASON, clock.instant());
    return new Recovered(new Coordinators(store, secureSum, timer, clock, stageTimeout, encoding),
        aborted);
  }

  /** The coordinators and the rounds recovery aborted. */
  public record Recovered(Coordinators coordinators, List<RoundRecord> abortedRounds) {}

  /** The study's coordinator, if the study is published. */
  public synchronized Optional<StudyCoordinator> forStudy(StudyRef ref) {
    StudyCoordinator c = byStudy.get(ref);
    if (c != null) {
      return Optional.of(c);
    }
    return store.study(ref).map(plan -> {
      Strategy strategy = Strategies.forCode(plan.strategy(), plan.proximalMu(),
          plan.serverLearningRate(), plan.l2(), plan.modelDimension() - 1);
      StudyCoordinator created = new StudyCoordinator(plan, store, secureSum, strategy, timer, clock,
          stageTimeout, encoding);
      byStudy.put(ref, created);
      return created;
    });
  }
}
