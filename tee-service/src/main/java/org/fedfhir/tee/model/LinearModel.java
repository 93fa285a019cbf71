package org.fedfhir.tee.model;

import java.util.List;

/**
 * A logistic-regression model on standardised features:
 * {@code p = 1 / (1 + exp(-(bias + Σ weights[i] · (x[i] − means[i]) / sds[i])))}; or, with
 * {@code hidden} layers (a study of {@code algorithm mlp}), the same logistic regression on the
 * last hidden layer's activations: {@code p = σ(bias + Σ weights[k] · h[k])},
 * {@code h = hidden(z)}, {@code z[i] = (x[i] − means[i]) / sds[i]}.
 *
 * @param study the study's canonical URL
 * @param version the model version (e.g. the final round)
 * @param featureNames the feature names, in the order of the other arrays (as in the study)
 * @param means standardisation means
 * @param sds standardisation standard deviations, each finite and &gt; 0
 * @param weights the weights on standardised features, or on the last hidden layer's units
 * @param bias the intercept
 * @param hidden the hidden layers of a neural network, or null for logistic regression
 */
public record LinearModel(String study, String version, List<String> featureNames, double[] means, double[] sds,
    double[] weights, double bias, HiddenLayers hidden) {

  /** A logistic-regression model. */
  public LinearModel(String study, String version, List<String> featureNames, double[] means, double[] sds,
      double[] weights, double bias) {
    this(study, version, featureNames, means, sds, weights, bias, null);
  }

  /** The largest number of features accepted. */
  public static final int MAX_FEATURES = 4096;

  public LinearModel {
    if (study == null || study.isBlank() || version == null || version.isBlank()) {
      throw new IllegalArgumentException("model needs a study and a version");
    }
    featureNames = List.copyOf(featureNames);
    int n = featureNames.size();
    if (n < 1 || n > MAX_FEATURES) {
      throw new IllegalArgumentException("feature count " + n + " outside 1.." + MAX_FEATURES);
    }
    if (featureNames.stream().distinct().count() != n || featureNames.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("feature names must be non-blank and unique");
    }
    if (means.length != n || sds.length != n) {
      throw new IllegalArgumentException("means and sds must each have " + n + " entries (one per feature)");
    }
    if (hidden == null ? weights.length != n : hidden.inputs() != n || weights.length != hidden.outputs()) {
      throw new IllegalArgumentException(hidden == null
          ? "weights must have " + n + " entries (one per feature)"
          : "the hidden layers take " + hidden.inputs() + " inputs and give " + hidden.outputs() + " units; need "
              + n + " features in and " + weights.length + " output weights");
    }
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(means[i]) || !Double.isFinite(sds[i]) || sds[i] <= 0) {
        throw new IllegalArgumentException("feature " + featureNames.get(i)
            + ": mean must be finite and sd finite and > 0");
      }
    }
    for (double w : weights) {
      if (!Double.isFinite(w)) {
        throw new IllegalArgumentException("weights must be finite");
      }
    }
    if (!Double.isFinite(bias)) {
      throw new IllegalArgumentException("bias must be finite");
    }
    means = means.clone();
    sds = sds.clone();
    weights = weights.clone();
  }

  @Override
  public double[] means() {
    return means.clone();
  }

  @Override
  public double[] sds() {
    return sds.clone();
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  /**
   * The probability of the positive class for raw (unstandardised) features in model order; a
   * {@code NaN} feature is missing and takes the model's mean (its standardised value is 0), as
   * under the study's {@code impute-mean} policy.
   */
  public double predict(double[] features) {
    if (features.length != means.length) {
      throw new IllegalArgumentException("need " + means.length + " features, got " + features.length);
    }
    if (hidden == null) {
      double z = bias;
      for (int i = 0; i < features.length; i++) {
        if (!Double.isNaN(features[i])) {
          z += weights[i] * (features[i] - means[i]) / sds[i];
        }
      }
      return 1.0 / (1.0 + Math.exp(-z));
    }
    double[] z = new double[features.length];
    for (int i = 0; i < features.length; i++) {
      z[i] = Double.isNaN(features[i]) ? 0 : (features[i] - means[i]) / sds[i];
    }
    double[] h = hidden.apply(z);
    double t = bias;
    for (int k = 0; k < h.length; k++) {
      t += weights[k] * h[k];
    }
    return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinearModel m && java.util.Arrays.equals(ModelCodec.encode(this), ModelCodec.encode(m));
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(ModelCodec.encode(this));
  }

  /** Never prints weights. */
  @Override
  public String toString() {
    return "LinearModel[" + study + " v" + version + ", " + featureNames.size() + " features"
        + (hidden == null ? "" : ", " + hidden) + "]";
  }
}
