package org.fedfhir.aggregator.round;

import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.federation.MetricTail;
import org.fedfhir.federation.v1.Phase;

/**
 * The rounds of a study and what sites contribute in each (docs/federation.md): round 1
 * standardises (per feature {@code [n, Σx, Σx²]}), rounds 2 … R+1 train (the strategy's payload and
 * the metric tail of the incoming model), round R+2 evaluates the final model (the metric tail).
 * The payload layouts are the study's {@link org.fedfhir.federation.Strategy}'s.
 */
final class Phases {

  private final StudyPlan plan;

  Phases(StudyPlan plan) {
    this.plan = plan;
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

  /** The features F of the study, from the strategy's model layout or the study's network. */
  int features() {
    return plan.features();
  }

  int payloadLength(Phase phase) {
    return switch (phase) {
      case STANDARDISE -> 3 * features();
      case TRAIN -> plan.strategy().payloadLength(plan.modelDimension());
      case EVALUATE -> MetricTail.LENGTH;
      default -> throw new IllegalArgumentException("no payload for phase " + phase);
    };
  }
}
