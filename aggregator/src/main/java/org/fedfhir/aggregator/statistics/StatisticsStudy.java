package org.fedfhir.aggregator.statistics;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.fedfhir.aggregator.round.StudySession;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.study.StatisticsDeclarations;
import org.fedfhir.securecompute.statistics.PrivacyLedger;
import org.hl7.fhir.r4.model.Parameters;

/**
 * A published statistics study at the aggregator: its {@link StudySession}, run by a
 * {@link StatisticsPlan}, and the release of each run as FHIR ({@link StatisticsResults}).
 *
 * <p>Kept: the round records (by the session), the released result and the ε ledger
 * ({@link ReleaseStore}). The ε of a release is charged to the ledger before anything is computed
 * and kept with the release, in one transaction of the durable store, before the release is
 * answered: if it cannot be kept nothing is released (the charge stays spent in memory and is kept
 * with the next release), so a restarted aggregator never lets ε be spent twice. Never kept or
 * logged: the sum before release and, since secure aggregation never reveals one, any site's
 * figures.
 */
public final class StatisticsStudy {

  /** A completed release. */
  public record Released(Parameters result, int sites, int round) {}

  private final StudyPlan plan;
  private final StatisticsDeclarations.Study study;
  private final StatisticsPlan rounds;
  private final StudySession session;
  private final ReleaseStore releases;
  private final Clock clock;
  private final String reporter;

  /**
   * @param session creates the study's session with its round plan
   * @param reporter the aggregator's name, the {@code reporter} of released MeasureReports
   */
  StatisticsStudy(StudyPlan plan, StatisticsDeclarations.Study study, ReleaseStore releases, Clock clock,
      String reporter, java.util.function.Function<StatisticsPlan, StudySession> session) {
    this.plan = plan;
    this.study = study;
    this.releases = releases;
    this.clock = clock;
    this.reporter = reporter;
    this.rounds = new StatisticsPlan(plan, study, this::ledger);
    this.session = session.apply(rounds);
  }

  public StudyPlan plan() {
    return plan;
  }

  /** The session sites join. */
  public StudySession session() {
    return session;
  }

  /** @return the most secure-aggregation rounds a run can take: one, or one per Newton iteration */
  public int maxRoundsPerRun() {
    return rounds.maxRoundsPerRun();
  }

  /** Names of the sites that joined and wait for the next run. */
  public List<String> joinedSites() {
    return session.joinedSites();
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
  public CompletableFuture<Released> run(Duration joinWait) throws StatisticsRunRefused, InterruptedException {
    CompletableFuture<StatisticsPlan.Outcome> outcome = session.request(plan.minSites(), joinWait,
        new StudySession.Request<CompletableFuture<StatisticsPlan.Outcome>, StatisticsRunRefused>() {
          @Override
          public void check() throws StatisticsRunRefused {
            rounds.checkIdle();
          }

          @Override
          public CompletableFuture<StatisticsPlan.Outcome> start(List<String> joined) throws StatisticsRunRefused {
            return rounds.begin(joined);
          }
        });
    CompletableFuture<Released> released = new CompletableFuture<>();
    outcome.whenComplete((o, failure) -> {
      if (failure != null) {
        released.completeExceptionally(failure);
      } else {
        release(o, released);
      }
    });
    return released;
  }

  /** The study's ε ledger, if it uses differential privacy: the store's, with every charge kept. */
  private Optional<PrivacyLedger> ledger() {
    return study.epsilonBudget().map(b -> releases.ledger(plan.ref(), b));
  }

  /** Renders and records a run's release (with the ε it charged); answers it only once it is recorded. */
  private void release(StatisticsPlan.Outcome o, CompletableFuture<Released> released) {
    Instant now = clock.instant();
    Parameters answer = StatisticsResults.render(plan.ref(), o.sites(), o.results(), ledger(), Date.from(now),
        reporter);
    try {
      releases.record(new ReleaseStore.StoredRelease(plan.ref(), o.firstRound(), o.sites(), now,
          FhirContext.forR4Cached().newJsonParser().encodeResourceToString(answer)));
    } catch (RuntimeException e) {
      released.completeExceptionally(new StatisticsRunRefused(StatisticsRunRefused.Kind.ABORTED, "the release of "
          + plan.ref() + " could not be recorded, so nothing is released: " + e.getMessage()));
      return;
    }
    released.complete(new Released(answer, o.sites(), o.firstRound()));
  }
}
