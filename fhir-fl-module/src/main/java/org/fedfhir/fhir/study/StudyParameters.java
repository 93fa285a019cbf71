package org.fedfhir.fhir.study;

import org.fedfhir.federation.Strategy;

/**
 * The study parameters of {@code {base}/CodeSystem/study-parameter}, defaults filled in.
 * {@code threshold} is null when the study leaves it to the round (⌈2n/3⌉).
 */
public record StudyParameters(
    int rounds, int localEpochs, double learningRate, double l2, long seed, double testFraction,
    int minSites, Integer threshold, Strategy strategy, double proximalMu, double serverLearningRate,
    boolean shareModelWithOwner) {

  public static final StudyParameters DEFAULTS =
      new StudyParameters(20, 5, 0.1, 0.0, 43L, 0.25, 3, null, Strategy.FEDAVG, 0.01, 0.1, false);
}
