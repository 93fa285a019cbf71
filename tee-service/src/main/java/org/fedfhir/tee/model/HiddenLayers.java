package org.fedfhir.tee.model;

import java.util.Arrays;

/**
 * The hidden tanh layers of a neural network model ({@code algorithm mlp}): layer {@code l} maps
 * its {@code in_l} inputs (the standardised features, then the layer below) to
 * {@code widths[l]} units, {@code h = tanh(W_l · in + b_l)}, the weights into one unit after
 * another ({@code weights[l][o · in_l + i]}). The model's output is then a logistic regression on
 * the last layer. The same network as the sites train ({@code federation.NeuralNetwork}), written
 * again here because the enclave depends on nothing of the federation.
 *
 * @param widths 1 or 2 widths, each 1..{@link #MAX_WIDTH}
 * @param weights per layer, {@code widths[l] × in_l} values
 * @param biases per layer, {@code widths[l]} values
 */
public record HiddenLayers(int[] widths, double[][] weights, double[][] biases) {

  /** The widest layer accepted (a study's {@code hidden-layers} allow no more). */
  public static final int MAX_WIDTH = 256;
  /** The most layers accepted. */
  public static final int MAX_LAYERS = 2;

  public HiddenLayers {
    if (widths.length < 1 || widths.length > MAX_LAYERS || weights.length != widths.length
        || biases.length != widths.length) {
      throw new IllegalArgumentException("a network has 1.." + MAX_LAYERS + " hidden layers, each with weights "
          + "and biases");
    }
    widths = widths.clone();
    weights = deepCopy(weights);
    biases = deepCopy(biases);
    if (widths[0] < 1 || weights[0].length == 0 || weights[0].length % widths[0] != 0) {
      throw new IllegalArgumentException("hidden layer 0 has " + weights[0].length + " weights for width " + widths[0]
          + "; need width × inputs");
    }
    for (int l = 0; l < widths.length; l++) {
      if (widths[l] < 1 || widths[l] > MAX_WIDTH) {
        throw new IllegalArgumentException("hidden layer of width " + widths[l] + " outside 1.." + MAX_WIDTH);
      }
      if (biases[l].length != widths[l] || (l > 0 && weights[l].length != widths[l] * widths[l - 1])) {
        throw new IllegalArgumentException("hidden layer " + l + " has " + weights[l].length + " weights and "
            + biases[l].length + " biases for width " + widths[l]);
      }
      for (double[] values : new double[][] {weights[l], biases[l]}) {
        if (Arrays.stream(values).anyMatch(v -> !Double.isFinite(v))) {
          throw new IllegalArgumentException("hidden layer " + l + ": weights and biases must be finite");
        }
      }
    }
  }

  /** The number of inputs the first layer takes. */
  public int inputs() {
    return weights[0].length / widths[0];
  }

  /** The width of the last layer: the number of output weights. */
  public int outputs() {
    return widths[widths.length - 1];
  }

  @Override
  public int[] widths() {
    return widths.clone();
  }

  @Override
  public double[][] weights() {
    return deepCopy(weights);
  }

  @Override
  public double[][] biases() {
    return deepCopy(biases);
  }

  /** The last layer's activations for standardised inputs {@code z}. */
  double[] apply(double[] z) {
    double[] input = z;
    for (int l = 0; l < widths.length; l++) {
      int in = input.length;
      double[] h = new double[widths[l]];
      for (int o = 0; o < h.length; o++) {
        double s = biases[l][o];
        for (int i = 0; i < in; i++) {
          s += weights[l][o * in + i] * input[i];
        }
        h[o] = Math.tanh(s);
      }
      input = h;
    }
    return input;
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] copy = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      copy[i] = a[i].clone();
    }
    return copy;
  }

  /** Never prints weights. */
  @Override
  public String toString() {
    return "HiddenLayers" + Arrays.toString(widths);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HiddenLayers h && Arrays.equals(h.widths, widths) && Arrays.deepEquals(h.weights, weights)
        && Arrays.deepEquals(h.biases, biases);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(widths) * 31 + Arrays.deepHashCode(weights);
  }
}
