package org.fedfhir.aggregator.provisioning;

import java.util.Arrays;
import java.util.Map;
import org.fedfhir.aggregator.store.ModelSpec;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.strategy.ModelVector;
import org.fedfhir.federation.ModelLayout;
import org.fedfhir.federation.NeuralNetwork;
import org.fedfhir.federation.Standardisation;
import org.fedfhir.federation.Strategy;
import org.fedfhir.tee.model.HiddenLayers;
import org.fedfhir.tee.model.LinearModel;

/**
 * Turns a study's global model vector into the TEE's {@link LinearModel} (docs/federation.md, "Model
 * vector", {@link ModelLayout}): {@code newton} stores {@code [w_1 … w_F, b]} directly; every other
 * strategy stores Tribuo's two-row layout {@code [b_0, w_0,1 … w_0,F, b_1, w_1,1 … w_1,F]}, whose softmax
 * probability of label 1 is {@code σ((b_1 − b_0) + (w_1 − w_0)·z)}, so {@code w = w_1 − w_0},
 * {@code b = b_1 − b_0}. The
 * standardisation is the study's global means and SDs (round 1 metrics {@code mean.j}, {@code sd.j}).
 */
public final class ServableModels {

  private ServableModels() {}

  /** The model's study identifier: {@code url|version}, as sites name it. */
  public static String studyKey(StudyRef ref) {
    return ref.url() + "|" + ref.version();
  }

  /** The global means and SDs stored with round 1 (an SD that is not positive is taken as 1). */
  public static Standardisation standardisation(Map<String, Double> round1, int features) {
    double[] means = new double[features];
    double[] sds = new double[features];
    for (int j = 0; j < features; j++) {
      Double mean = round1.get("mean." + j);
      Double sd = round1.get("sd." + j);
      if (mean == null || sd == null) {
        throw new IllegalArgumentException("round 1 holds no mean/sd of feature " + j
            + ": the study's standardisation round did not complete");
      }
      means[j] = mean;
      sds[j] = sd;
    }
    return new Standardisation(means, sds);
  }

  /**
   * @param strategy the study's strategy (its model layout)
   * @param version the model version (the round that produced it)
   */
  public static LinearModel of(StudyRef ref, String version, Strategy strategy, ModelSpec spec, ModelVector global,
      double[] means, double[] sds) {
    return of(ref, version, strategy, spec, global, means, sds, null);
  }

  /**
   * As {@link #of(StudyRef, String, Strategy, ModelSpec, ModelVector, double[], double[])}; for an
   * {@code mlp} study ({@code network} not null) the flat parameters of {@link NeuralNetwork} become
   * the TEE's {@link HiddenLayers} and the output layer's weights and bias.
   */
  public static LinearModel of(StudyRef ref, String version, Strategy strategy, ModelSpec spec, ModelVector global,
      double[] means, double[] sds, NeuralNetwork network) {
    int dimension = strategy.modelDimension(spec.featureNames().size(), network);
    if (global.dimension() != dimension) {
      throw new IllegalArgumentException("global model of dimension " + global.dimension() + "; the "
          + strategy.code() + " layout of this study needs " + dimension);
    }
    double[] model = global.toArray();
    if (network != null) {
      return network(ref, version, spec, model, means, sds, network);
    }
    ModelLayout layout = strategy.layout();
    return new LinearModel(studyKey(ref), version, spec.featureNames(), means, sds, layout.weights(model),
        layout.bias(model));
  }

  /** Splits the network's flat parameters (layout of {@link NeuralNetwork}) into its layers. */
  private static LinearModel network(StudyRef ref, String version, ModelSpec spec, double[] theta, double[] means,
      double[] sds, NeuralNetwork network) {
    int layers = network.hidden().size();
    int[] widths = new int[layers];
    double[][] weights = new double[layers][];
    double[][] biases = new double[layers][];
    int offset = 0;
    int in = network.features();
    for (int l = 0; l < layers; l++) {
      int out = network.hidden().get(l);
      widths[l] = out;
      weights[l] = Arrays.copyOfRange(theta, offset, offset + out * in);
      biases[l] = Arrays.copyOfRange(theta, offset + out * in, offset + out * in + out);
      offset += out * in + out;
      in = out;
    }
    return new LinearModel(studyKey(ref), version, spec.featureNames(), means, sds,
        Arrays.copyOfRange(theta, offset, offset + in), theta[offset + in], new HiddenLayers(widths, weights, biases));
  }
}
