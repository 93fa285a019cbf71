package org.fedfhir.federation;

import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The feed-forward network of an {@code mlp} study (docs/federation.md, "Neural network"): {@code F}
 * standardised inputs, one or two hidden layers of tanh units, one sigmoid output giving P(label 1),
 * trained on the log-loss. Its parameters are one flat vector, so the model rides secure
 * aggregation, the server optimisers and the DP step exactly as a linear model does:
 * <pre>
 *   for each layer l (the hidden layers, then the output layer of width 1):
 *     W_l  (out_l × in_l, row-major: the weights into unit 0, then into unit 1, …), then b_l (out_l)
 * </pre>
 * {@code in_0 = F}, {@code in_l = out_(l−1)}. The initial model is Glorot-uniform
 * ({@code U(±√(6 / (in + out)))}, Glorot and Bengio, AISTATS 2010) drawn from
 * {@link SplittableRandom}{@code (seed)} with zero biases, so every site and the aggregator derive
 * the same start from the study seed. Dropout (Srivastava et al., JMLR 2014) is inverted: during
 * training a hidden unit is kept with probability {@code 1 − p} and scaled by {@code 1/(1 − p)}, so
 * evaluation uses the weights as they are.
 *
 * <p>A small in-project implementation rather than a deep-learning library: DJL's PyTorch engine
 * downloads native binaries at run time, which a hospital server must not do, and a network of at
 * most two layers of 256 units needs a forward pass and its backpropagation, nothing more.
 *
 * @param features F ≥ 1
 * @param hidden the hidden layers' widths, 1 or 2 of them, each 1..{@link #MAX_WIDTH}
 * @param seed the study seed the initial weights are drawn from
 */
public record NeuralNetwork(int features, List<Integer> hidden, long seed) {

  /** The widest hidden layer a study may declare. */
  public static final int MAX_WIDTH = 256;
  /** The most hidden layers a study may declare. */
  public static final int MAX_LAYERS = 2;

  public NeuralNetwork {
    if (features < 1) {
      throw new IllegalArgumentException("features " + features + "; need ≥ 1");
    }
    hidden = List.copyOf(hidden);
    if (hidden.isEmpty() || hidden.size() > MAX_LAYERS) {
      throw new IllegalArgumentException(hidden.size() + " hidden layers; need 1 to " + MAX_LAYERS);
    }
    for (int width : hidden) {
      if (width < 1 || width > MAX_WIDTH) {
        throw new IllegalArgumentException("hidden layer of width " + width + "; need 1 ≤ width ≤ " + MAX_WIDTH);
      }
    }
  }

  /**
   * The widths of a {@code hidden-layers} study parameter: comma-separated without spaces, e.g.
   * {@code "16"} or {@code "32,16"} (the guide's rule {@code sp-hidden-layers}).
   *
   * @throws IllegalArgumentException naming what is wrong and what is allowed
   */
  public static List<Integer> parseWidths(String text) {
    String[] parts = text == null ? new String[0] : text.split(",", -1);
    if (parts.length < 1 || parts.length > MAX_LAYERS || text.isBlank()) {
      throw new IllegalArgumentException("'" + text + "' declares " + (text == null || text.isBlank() ? 0 : parts.length)
          + " hidden layers; need 1 to " + MAX_LAYERS + " widths separated by a comma, e.g. \"32,16\"");
    }
    Integer[] widths = new Integer[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        widths[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + parts[i] + "' is not a layer width; need an integer 1.." + MAX_WIDTH);
      }
      if (widths[i] < 1 || widths[i] > MAX_WIDTH) {
        throw new IllegalArgumentException("hidden layer of width " + widths[i] + "; need 1 ≤ width ≤ " + MAX_WIDTH);
      }
    }
    return List.of(widths);
  }

  /** The widths as a study declares them: {@code "32,16"}. */
  public String widths() {
    return String.join(",", hidden.stream().map(String::valueOf).toList());
  }

  /** Length of the flat parameter vector. */
  public int dimension() {
    long d = 0;
    int in = features;
    for (int out : outputs()) {
      d += (long) out * in + out;
      in = out;
    }
    if (d > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a network of " + d + " parameters is too large");
    }
    return (int) d;
  }

  /** The study's initial model: Glorot-uniform weights from the seed, zero biases. */
  public double[] initial() {
    SplittableRandom random = new SplittableRandom(seed);
    double[] theta = new double[dimension()];
    int offset = 0;
    int in = features;
    for (int out : outputs()) {
      double bound = Math.sqrt(6.0 / (in + out));
      for (int k = 0; k < out * in; k++) {
        theta[offset + k] = random.nextDouble(-bound, bound);
      }
      offset += out * in + out;
      in = out;
    }
    return theta;
  }

  /** The log-odds of label 1 for standardised row {@code z}, without dropout. */
  public double logOdds(double[] model, double[] z) {
    return forward(requireModel(model), requireRow(z), 0, null).logOdds;
  }

  /** P(label 1 | z), without dropout. */
  public double probability(double[] model, double[] z) {
    return ModelLayout.sigmoid(logOdds(model, z));
  }

  /**
   * Adds the gradient of one record's log-loss at {@code model} to {@code gradient} and returns the
   * loss. With {@code dropout} p &gt; 0 each hidden unit is dropped with probability p, drawn from
   * {@code random}; with p = 0 {@code random} is not used and may be null.
   */
  public double addGradient(double[] model, double[] z, int y, double dropout, RandomGenerator random,
      double[] gradient) {
    requireModel(model);
    requireRow(z);
    if (gradient.length != model.length) {
      throw new IllegalArgumentException("gradient of " + gradient.length + " values for a model of " + model.length);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout " + dropout + "; need 0 ≤ p < 1");
    }
    Pass pass = forward(model, z, dropout, random);
    double p = ModelLayout.sigmoid(pass.logOdds);
    int[] outs = outputs();
    int layers = outs.length;
    // δ of the layer being back-propagated: ∂loss/∂(its pre-activation)
    double[] delta = {p - y};
    for (int l = layers - 1; l >= 0; l--) {
      double[] input = pass.activations[l];
      int in = input.length;
      int out = outs[l];
      int offset = pass.offsets[l];
      for (int o = 0; o < out; o++) {
        int row = offset + o * in;
        for (int i = 0; i < in; i++) {
          gradient[row + i] += delta[o] * input[i];
        }
        gradient[offset + out * in + o] += delta[o];
      }
      if (l == 0) {
        break;
      }
      // into the hidden layer l − 1, whose output was input = tanh(pre)·mask
      double[] below = new double[in];
      double[] scale = pass.masks[l - 1];
      for (int i = 0; i < in; i++) {
        if (scale[i] == 0) {
          continue;
        }
        double s = 0;
        for (int o = 0; o < out; o++) {
          s += model[offset + o * in + i] * delta[o];
        }
        double h = input[i] / scale[i];
        below[i] = s * scale[i] * (1 - h * h);
      }
      delta = below;
    }
    return y == 1 ? -logSigmoid(pass.logOdds) : -logSigmoid(-pass.logOdds);
  }

  @Override
  public String toString() {
    return "NeuralNetwork[" + features + " → " + widths() + " → 1, " + dimension() + " parameters]";
  }

  /** The widths of every layer with weights: the hidden ones, then the output's 1. */
  private int[] outputs() {
    int[] outs = new int[hidden.size() + 1];
    for (int l = 0; l < hidden.size(); l++) {
      outs[l] = hidden.get(l);
    }
    outs[hidden.size()] = 1;
    return outs;
  }

  /** Inputs to each layer ({@code activations[0] = z}), each hidden layer's dropout scale, the logit. */
  private record Pass(double[][] activations, double[][] masks, int[] offsets, double logOdds) {}

  private Pass forward(double[] model, double[] z, double dropout, RandomGenerator random) {
    int[] outs = outputs();
    double[][] activations = new double[outs.length][];
    double[][] masks = new double[outs.length - 1][];
    int[] offsets = new int[outs.length];
    activations[0] = z;
    int offset = 0;
    double logOdds = 0;
    for (int l = 0; l < outs.length; l++) {
      double[] input = activations[l];
      int in = input.length;
      int out = outs[l];
      offsets[l] = offset;
      double[] pre = new double[out];
      for (int o = 0; o < out; o++) {
        int row = offset + o * in;
        double s = model[offset + out * in + o];
        for (int i = 0; i < in; i++) {
          s += model[row + i] * input[i];
        }
        pre[o] = s;
      }
      offset += out * in + out;
      if (l == outs.length - 1) {
        logOdds = pre[0];
        break;
      }
      double[] mask = new double[out];
      double[] h = new double[out];
      for (int o = 0; o < out; o++) {
        mask[o] = dropout == 0 ? 1 : random.nextDouble() < dropout ? 0 : 1 / (1 - dropout);
        h[o] = Math.tanh(pre[o]) * mask[o];
      }
      masks[l] = mask;
      activations[l + 1] = h;
    }
    return new Pass(activations, masks, offsets, logOdds);
  }

  private double[] requireModel(double[] model) {
    if (model.length != dimension()) {
      throw new IllegalArgumentException("model of " + model.length + " values; the network " + features + " → "
          + widths() + " → 1 has " + dimension());
    }
    return model;
  }

  private double[] requireRow(double[] z) {
    if (z.length != features) {
      throw new IllegalArgumentException("row of " + z.length + " values; the network has " + features + " inputs");
    }
    return z;
  }

  private static double logSigmoid(double t) {
    return t >= 0 ? -Math.log1p(Math.exp(-t)) : t - Math.log1p(Math.exp(t));
  }
}
