package org.fedfhir.aggregator.statistics;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.study.StatisticsDeclarations;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * {@code $secure-stats} at the aggregator: finds the published statistics study, runs one release
 * with the sites that joined it ({@link StatisticsStudy#run}) and answers the released result.
 */
public final class SecureStatsService {

  private final StatisticsStudies studies;
  private final Duration joinWait;
  private final Duration roundTimeout;
  private final Function<String, Optional<PlanDefinition>> published;

  /**
   * @param joinWait how long a run waits for the study's min-sites to have joined
   * @param roundTimeout how long one secure-aggregation round of a run may take (stage deadlines
   *     end it sooner); a run may take this once per round it can need
   *     ({@link StatisticsStudy#maxRoundsPerRun()}: one per Newton iteration of a regression)
   */
  public SecureStatsService(StatisticsStudies studies, Duration joinWait, Duration roundTimeout) {
    this(studies, joinWait, roundTimeout, id -> Optional.empty());
  }

  private SecureStatsService(StatisticsStudies studies, Duration joinWait, Duration roundTimeout,
      Function<String, Optional<PlanDefinition>> published) {
    this.studies = studies;
    this.joinWait = joinWait;
    this.roundTimeout = roundTimeout;
    this.published = published;
  }

  /** This service, finding studies by their logical id in {@code published}. */
  public SecureStatsService lookingUpIn(Function<String, Optional<PlanDefinition>> published) {
    return new SecureStatsService(studies, joinWait, roundTimeout, published);
  }

  public StatisticsStudies studies() {
    return studies;
  }

  /**
   * Runs the study published as {@code PlanDefinition/{id}} once.
   *
   * @throws StatisticsRunRefused when nothing is released (unknown study, not a statistics study,
   *     too few sites, a run in flight, an aborted round, ε budget)
   */
  public Parameters run(String planDefinitionId) throws StatisticsRunRefused, InterruptedException {
    PlanDefinition definition = published.apply(planDefinitionId).orElseThrow(() -> new StatisticsRunRefused(
        StatisticsRunRefused.Kind.UNKNOWN_STUDY, "no study is published as PlanDefinition/" + planDefinitionId));
    StudyRef ref = new StudyRef(definition.getUrl(), definition.getVersion());
    if (!StatisticsDeclarations.isStatisticsStudy(definition)) {
      throw new StatisticsRunRefused(StatisticsRunRefused.Kind.NOT_STATISTICS, "study " + ref
          + " is not of kind statistics; training studies run with $train at the sites");
    }
    StatisticsStudy study = studies.forStudy(ref).orElseThrow(() -> new StatisticsRunRefused(
        StatisticsRunRefused.Kind.NOT_STATISTICS, "study " + ref + " has no statistics session; publish it again"));
    Duration runTimeout = roundTimeout.multipliedBy(study.maxRoundsPerRun());
    try {
      return study.run(joinWait).get(runTimeout.toMillis(), TimeUnit.MILLISECONDS).result();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatisticsRunRefused refused) {
        throw refused;
      }
      throw new StatisticsRunRefused(StatisticsRunRefused.Kind.ABORTED, "the run failed: " + e.getCause());
    } catch (TimeoutException e) {
      throw new StatisticsRunRefused(StatisticsRunRefused.Kind.ABORTED, "the run did not end within "
          + runTimeout.toMillis() + " ms (" + study.maxRoundsPerRun() + " round(s) at most); its release, if any, "
          + "is kept at the aggregator");
    }
  }
}
