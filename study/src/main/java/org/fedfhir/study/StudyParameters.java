package org.fedfhir.study;

import java.util.List;
import org.fedfhir.federation.Strategy;
import org.fedfhir.securecompute.privacy.TrainingPrivacy;

/**
 * The study parameters of {@code {base}/CodeSystem/study-parameter}, defaults filled in: the one
 * place the defaults live, for the sites and the aggregator alike. {@code threshold} is null when the
 * study leaves it to the round (⌈2n/3⌉).
 *
 * @param predictionPrecision decimals of the probabilities the TEE model service returns (1 to 6)
 * @param privacy the differential privacy of a training study's rounds ({@code dp-epsilon},
 *     {@code dp-delta}, {@code dp-clip}, {@code dp-unit}); null when the study declares none
 * @param hiddenLayers an {@code mlp} study's hidden-layer widths ({@code hidden-layers}, e.g. "32,16"), 1 or 2
 * @param dropout an {@code mlp} study's probability of dropping a hidden unit during local training, in [0, 1)
 */
public record StudyParameters(
    int rounds, int localEpochs, double learningRate, double l2, long seed, double testFraction,
    int minSites, Integer threshold, Strategy strategy, double proximalMu, double serverLearningRate,
    boolean shareModelWithOwner, int predictionPrecision, TrainingPrivacy privacy, List<Integer> hiddenLayers,
    double dropout) {

  public static final StudyParameters DEFAULTS = new StudyParameters(20, 5, 0.1, 0.0, 43L, 0.25, 3, null,
      Strategy.FEDAVG, 0.01, 0.1, false, 3, null, List.of(16), 0.0);

  public StudyParameters {
    hiddenLayers = List.copyOf(hiddenLayers);
  }

  /** Parameters with the default network ({@code hidden-layers} 16, no dropout). */
  public StudyParameters(int rounds, int localEpochs, double learningRate, double l2, long seed, double testFraction,
      int minSites, Integer threshold, Strategy strategy, double proximalMu, double serverLearningRate,
      boolean shareModelWithOwner, int predictionPrecision, TrainingPrivacy privacy) {
    this(rounds, localEpochs, learningRate, l2, seed, testFraction, minSites, threshold, strategy, proximalMu,
        serverLearningRate, shareModelWithOwner, predictionPrecision, privacy, DEFAULTS.hiddenLayers,
        DEFAULTS.dropout);
  }
}
