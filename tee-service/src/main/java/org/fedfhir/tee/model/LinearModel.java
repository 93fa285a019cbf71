package org.fedfhir.tee.model;

import java.util.List;

/**
 * A logistic-regression model on standardised features:
 * {@code p = 1 / (1 + exp(-(bias + Σ weights[i] · (x[i] − means[i]) / sds[i])))}.
 *
 * @param study the study's canonical URL
 * @param version the model version (e.g. the final round)
 * @param featureNames the feature names, in the order of the other arrays (as in the study)
 * @param means standardisation means
 * @param sds standardisation standard deviations, each finite and &gt; 0
 * @param weights the weights on standardised features
 * @param bias the intercept
 */
public record LinearModel(String study, String version, List<String> featureNames, double[] means, double[] sds,
    double[] weights, double bias) {

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
    if (means.length != n || sds.length != n || weights.length != n) {
      throw new IllegalArgumentException("means, sds and weights must each have " + n + " entries (one per feature)");
    }
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(means[i]) || !Double.isFinite(weights[i]) || !Double.isFinite(sds[i]) || sds[i] <= 0) {
        throw new IllegalArgumentException("feature " + featureNames.get(i)
            + ": mean and weight must be finite and sd finite and > 0");
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
    if (features.length != weights.length) {
      throw new IllegalArgumentException("need " + weights.length + " features, got " + features.length);
    }
    double z = bias;
    for (int i = 0; i < features.length; i++) {
      if (!Double.isNaN(features[i])) {
        z += weights[i] * (features[i] - means[i]) / sds[i];
      }
    }
    return 1.0 / (1.0 + Math.exp(-z));
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
    return "LinearModel[" + study + " v" + version + ", " + featureNames.size() + " features]";
  }
}
