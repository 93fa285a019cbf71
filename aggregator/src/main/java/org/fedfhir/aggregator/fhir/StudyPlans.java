package org.fedfhir.aggregator.fhir;

import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.federation.NeuralNetwork;
import org.fedfhir.federation.Strategy;
import org.fedfhir.study.InvalidStudyException;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParameters;
import org.fedfhir.study.StudyParser;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * The aggregator's plan of a study, from the study as {@link StudyParser} reads it (the sites' own
 * parser, so both sides agree on every parameter and its default): strategy, rounds, min-sites,
 * threshold, server learning rate, FedProx μ, L2, and the model dimension from the number of
 * features and the strategy's model layout (docs/federation.md).
 */
public final class StudyPlans {

  private StudyPlans() {}

  public static StudyPlan from(StudyDefinition study, String digest) {
    StudyParameters p = study.parameters();
    Strategy strategy = p.strategy();
    NeuralNetwork network = study instanceof StudyDefinition.Training t ? t.network() : null;
    return StudyPlan.training(new StudyRef(study.url(), study.version()), digest)
        .strategy(strategy)
        .rounds(p.rounds())
        .minSites(p.minSites())
        .threshold(p.threshold() == null ? 0 : p.threshold())
        .modelDimension(strategy.modelDimension(study.features().size(), network))
        .network(network)
        .serverLearningRate(p.serverLearningRate())
        .proximalMu(p.proximalMu())
        .l2(p.l2())
        .privacy(p.privacy(), p.learningRate())
        .build();
  }

  /**
   * Parses the study, then plans it.
   *
   * @throws IllegalArgumentException naming every broken rule when it is not a valid study
   */
  public static StudyPlan from(PlanDefinition study, String digest) {
    try {
      return from(new StudyParser().parse(study), digest);
    } catch (InvalidStudyException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
