package org.fedfhir.fhir.federation;

import java.util.Objects;
import org.fedfhir.federation.ModelLayout;
import org.fedfhir.federation.NeuralNetwork;
import org.fedfhir.federation.Strategy;
import org.fedfhir.study.Algorithm;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParameters;
import org.fedfhir.fhir.training.LinearAlgorithm;
import org.fedfhir.securecompute.privacy.TrainingPrivacy;

/**
 * What a site needs of a study's parameters (docs/study-format.md) to compute its contributions.
 *
 * @param strategy the study's strategy
 * @param algorithm the linear model trained locally ({@code newton} and {@code fedprox} need logistic regression)
 * @param localEpochs passes over the training rows per round, ≥ 1
 * @param learningRate local step size, &gt; 0
 * @param proximalMu FedProx μ ≥ 0
 * @param seed seed of the split and of local shuffling
 * @param privacy the study's differential privacy, or null (then every TRAIN round trains locally)
 * @param rounds the study's TRAIN rounds R, over which a private study spreads its budget
 * @param network an {@code mlp} study's network, or null for a linear model (then {@code algorithm} is the model)
 * @param dropout an {@code mlp} study's dropout during local training, in [0, 1); 0 for a linear model
 */
public record FederatedSettings(Strategy strategy, LinearAlgorithm algorithm, int localEpochs,
    double learningRate, double proximalMu, long seed, TrainingPrivacy privacy, int rounds, NeuralNetwork network,
    double dropout) {

  /** A study of a linear model. */
  public FederatedSettings(Strategy strategy, LinearAlgorithm algorithm, int localEpochs, double learningRate,
      double proximalMu, long seed, TrainingPrivacy privacy, int rounds) {
    this(strategy, algorithm, localEpochs, learningRate, proximalMu, seed, privacy, rounds, null, 0);
  }

  /** A study without differential privacy. */
  public FederatedSettings(Strategy strategy, LinearAlgorithm algorithm, int localEpochs, double learningRate,
      double proximalMu, long seed) {
    this(strategy, algorithm, localEpochs, learningRate, proximalMu, seed, null, 1);
  }

  public FederatedSettings {
    Objects.requireNonNull(strategy, "strategy");
    if (localEpochs < 1) {
      throw new IllegalArgumentException("local-epochs " + localEpochs + "; need ≥ 1");
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning-rate " + learningRate + "; need > 0");
    }
    if (!(proximalMu >= 0)) {
      throw new IllegalArgumentException("proximal-mu " + proximalMu + "; need ≥ 0");
    }
    if (network != null && strategy.needsLogisticRegression()) {
      throw new IllegalArgumentException("strategy " + strategy.code() + " is implemented for logistic-regression "
          + "only; the study's algorithm is mlp");
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout " + dropout + "; need 0 ≤ p < 1");
    }
    if (network == null && algorithm != LinearAlgorithm.LOGISTIC_REGRESSION && strategy.needsLogisticRegression()) {
      throw new IllegalArgumentException("strategy " + strategy.code() + " is implemented for logistic-regression only; the study's algorithm is "
          + algorithm);
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds " + rounds + "; need ≥ 1");
    }
    if (privacy != null && strategy.layout() != ModelLayout.TWO_ROW) {
      throw new IllegalArgumentException("differential privacy needs a weighted-model strategy; got " + strategy.code());
    }
  }

  public static FederatedSettings of(StudyDefinition study) {
    StudyParameters p = study.parameters();
    LinearAlgorithm a = study.algorithm() == Algorithm.LINEAR_SVM
        ? LinearAlgorithm.LINEAR_SVM : LinearAlgorithm.LOGISTIC_REGRESSION;
    NeuralNetwork network = study instanceof StudyDefinition.Training t ? t.network() : null;
    return new FederatedSettings(p.strategy(), a, p.localEpochs(), p.learningRate(), p.proximalMu(), p.seed(),
        p.privacy(), p.rounds(), network, network == null ? 0 : p.dropout());
  }

  /** These settings with {@code network} as the study's network (same hidden layers and seed, another input width, say). */
  public FederatedSettings withNetwork(NeuralNetwork network) {
    return new FederatedSettings(strategy, algorithm, localEpochs, learningRate, proximalMu, seed, privacy, rounds,
        network, dropout);
  }

  /** Length of the global model for {@code features} features: the strategy's layout or the network's parameters. */
  public int modelDimension(int features) {
    return strategy.modelDimension(features, network);
  }

  public ModelLayout layout() {
    return strategy.layout();
  }
}
