package org.fedfhir.aggregator.round;

import org.fedfhir.federation.v1.Phase;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.strategy.Strategy;

/**
 * The rounds of a study and what sites contribute in each (docs/federation.md): round 1
 * standardises (per feature {@code [n, Σx, Σx²]}), rounds 2 … R+1 train (the strategy's payload and
 * the metric tail of the incoming model), round R+2 evaluates the final model (the metric tail).
 */
final class Phases {

  /** {@code [tp, fp, tn, fn, Σ log-loss]} of a model on a site's test split. */
  static final int METRIC_TAIL = 5;

  private final StudyPlan plan;
  private final Strategy strategy;

  Phases(StudyPlan plan, Strategy strategy) {
    this.plan = plan;
    this.strategy = strategy;
  }

  /** Rounds in all: standardise, R training rounds, evaluate. */
  int total() {
    return plan.rounds() + 2;
  }

  Phase of(int round) {
    if (round == 1) {
      return Phase.STANDARDISE;
    }
    return round <= plan.rounds() + 1 ? Phase.TRAIN : Phase.EVALUATE;
  }

  /** The features F of the study, from the strategy's model layout. */
  int features() {
    int d = plan.modelDimension();
    return "newton".equals(strategy.code()) ? d - 1 : d / 2 - 1;
  }

  int payloadLength(Phase phase) {
    return switch (phase) {
      case STANDARDISE -> 3 * features();
      case TRAIN -> strategy.payloadLength(plan.modelDimension()) + METRIC_TAIL;
      case EVALUATE -> METRIC_TAIL;
      default -> throw new IllegalArgumentException("no payload for phase " + phase);
    };
  }
}
