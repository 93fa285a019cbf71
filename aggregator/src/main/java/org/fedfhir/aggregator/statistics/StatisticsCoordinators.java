package org.fedfhir.aggregator.statistics;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.fedfhir.aggregator.round.SecureSum;
import org.fedfhir.aggregator.round.StageTimer;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.ig.StatisticsDeclarations;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * The coordinators of the statistics studies published at the aggregator, created when the study
 * is published (its statistics are read from the PlanDefinition then). A statistics study found in
 * the store but not published since the aggregator started has no coordinator: it must be
 * published again.
 */
public final class StatisticsCoordinators {

  private final StudyStore store;
  private final ReleaseStore releases;
  private final SecureSum secureSum;
  private final StageTimer timer;
  private final Clock clock;
  private final Duration stageTimeout;
  private final String reporter;
  private final Map<StudyRef, StatisticsCoordinator> byStudy = new HashMap<>();

  /**
   * @param reporter the aggregator's name, the {@code reporter} of released MeasureReports
   */
  public StatisticsCoordinators(StudyStore store, ReleaseStore releases, SecureSum secureSum, StageTimer timer,
      Clock clock, Duration stageTimeout, String reporter) {
    this.store = store;
    this.releases = releases;
    this.secureSum = secureSum;
    this.timer = timer;
    this.clock = clock;
    this.stageTimeout = stageTimeout;
    this.reporter = reporter;
  }

  /**
   * The aggregator's plan of a statistics study: one round per release, the study's min-sites and
   * threshold, and the statistics' total vector length as the "model" dimension sites must join with.
   */
  public static StudyPlan plan(StudyPlan read, StatisticsDeclarations.Study study) {
    return new StudyPlan(read.ref(), read.definitionDigest(), StatisticsCoordinator.STRATEGY, 1, read.minSites(),
        read.threshold(), study.length(), read.serverLearningRate(), read.proximalMu(), read.l2());
  }

  /** Registers a published statistics study (again after a restart: same plan, same coordinator). */
  public synchronized StatisticsCoordinator register(StudyPlan plan, StatisticsDeclarations.Study study) {
    return byStudy.computeIfAbsent(plan.ref(), ref -> new StatisticsCoordinator(plan, study, store, releases,
        secureSum, timer, clock, stageTimeout, reporter));
  }

  /** Reads and registers a study that is of kind statistics; empty for any other study. */
  public Optional<StatisticsCoordinator> registerIfStatistics(StudyPlan plan, PlanDefinition definition) {
    if (!StatisticsDeclarations.isStatisticsStudy(definition)) {
      return Optional.empty();
    }
    return Optional.of(register(plan, StatisticsDeclarations.read(definition)));
  }

  /** The coordinator of a published statistics study. */
  public synchronized Optional<StatisticsCoordinator> forStudy(StudyRef ref) {
    return Optional.ofNullable(byStudy.get(ref));
  }

  /** True if the store holds the study as a statistics study (published now or before a restart). */
  public boolean isStatistics(StudyRef ref) {
    return store.study(ref).map(p -> StatisticsCoordinator.STRATEGY.equals(p.strategy())).orElse(false);
  }

  /** The releases and ε ledgers. */
  public ReleaseStore releases() {
    return releases;
  }
}
