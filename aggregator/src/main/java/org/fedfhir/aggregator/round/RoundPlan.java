package org.fedfhir.aggregator.round;

import java.util.List;
import java.util.Map;
import org.fedfhir.aggregator.strategy.ModelVector;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.Join;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.RoundEnd;
import org.fedfhir.federation.v1.RoundStart;

/**
 * What a study's rounds are, one implementation per study kind ({@link TrainingPlan}, the
 * statistics plan): given what has happened, the next round — its phase, its sites, the length of
 * each site's input and what the sites are told — or that the study (or a run of it) is done; and
 * how a round's revealed sum, or its abort, moves the plan on. As Flower's strategy, a plan is pure
 * policy: no I/O, no FHIR, no transport. It only ever sees the sum, never a site's input; the
 * {@link StudySession} does the rest (membership, secure aggregation, stage deadlines, recording).
 *
 * <p>Not synchronised: the session calls it under its own lock.
 */
public interface RoundPlan {

  /** What a wrong-length refusal names as needing the length ("the study needs"). */
  String needs();

  /**
   * A site's Join, after the session checked its definition digest and signing key: refused if
   * what the site would contribute does not fit the study. The plan keeps what it needs of it
   * (a statistics study: the site's disclosure policy).
   */
  void admit(String site, Join join) throws ProtocolViolation;

  /**
   * What comes next, with no round in flight.
   *
   * @param completedRounds the study's completed rounds (the next round is number completedRounds + 1)
   * @param joined the sites joined now, sorted by name
   */
  Step next(int completedRounds, List<String> joined);

  /**
   * Folds a round's revealed sum into the plan.
   *
   * @param contributors the sites whose inputs are in the sum; the others of the round dropped out
   * @return what the round's record keeps and what its RoundEnd tells the sites
   * @throws Unusable if the sum cannot be used: the round aborts with that reason
   */
  Folded fold(Round round, double[] sum, List<String> contributors) throws Unusable;

  /** The round ended without a sum (fewer than t sites left, or {@link Unusable}). */
  void aborted(Round round, String reason);

  /** True if a RoundEnd goes to every joined site, false if only to the round's sites. */
  boolean roundEndToEveryJoinedSite();

  /** A step of the study: wait, start a round, or end the sites' sessions. */
  sealed interface Step permits Wait, Start, End {}

  /** Nothing to start now (too few sites, or no run asked for). */
  record Wait() implements Step {}

  /** Start {@code round}. */
  record Start(Round round) implements Step {}

  /**
   * The study, or a run of it, is over for {@code sites}: their sessions end (StudyEnd).
   *
   * @param studyCompleted true if the study is completed for good (its status becomes COMPLETED)
   * @param afterwards run once the sessions ended (a run's result is handed on)
   */
  record End(List<String> sites, boolean studyCompleted, Runnable afterwards) implements Step {
    public End {
      sites = List.copyOf(sites);
    }
  }

  /**
   * A round: its phase, its sites (sorted; the participant of index i is {@code sites.get(i - 1)}),
   * each input's length and fixed-point encoding, and the plan's part of the RoundStart (global
   * model, standardisation, training rounds), to which the session adds the binding, participants,
   * threshold and index.
   */
  record Round(int number, Phase phase, List<String> sites, int length, FixedPointEncoding encoding,
      RoundStart announced) {
    public Round {
      sites = List.copyOf(sites);
    }
  }

  /**
   * A folded round.
   *
   * @param model what the round record keeps as the next model (a statistics round: a placeholder)
   * @param state the strategy's encoded state kept with it
   * @param metrics the round record's metrics (the session adds contributors and dropouts)
   * @param end the plan's part of the RoundEnd (next model, network metrics)
   */
  record Folded(ModelVector model, byte[] state, Map<String, Double> metrics, RoundEnd end) {}

  /** A revealed sum the plan cannot use; the round aborts with this reason. */
  final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;

    public Unusable(String reason) {
      super(reason);
    }
  }
}
