package org.fedfhir.aggregator.store;

import java.util.List;

/**
 * What the aggregator needs from a study's definition to turn its final global model into a
 * servable model: the feature names in the study's order, the algorithm, and whether the study
 * owner may download the plaintext model (study parameter {@code share-model-with-owner}, default
 * false), and the decimals the TEE rounds its probabilities to (study parameter
 * {@code prediction-precision}, default 3). Recorded when the study is published.
 */
public record ModelSpec(List<String> featureNames, String algorithm, boolean shareWithOwner,
    int predictionPrecision) {

  /** Decimals of a probability unless the study declares {@code prediction-precision}. */
  public static final int DEFAULT_PRECISION = 3;

  /** A spec with the default prediction precision. */
  public ModelSpec(List<String> featureNames, String algorithm, boolean shareWithOwner) {
    this(featureNames, algorithm, shareWithOwner, DEFAULT_PRECISION);
  }

  public ModelSpec {
    if (predictionPrecision < 1 || predictionPrecision > 6) {
      throw new IllegalArgumentException("prediction precision " + predictionPrecision + "; need 1–6 decimals");
    }
    featureNames = List.copyOf(featureNames);
    if (featureNames.isEmpty() || featureNames.stream().anyMatch(n -> n.isBlank() || n.contains("\n"))) {
      throw new IllegalArgumentException("model spec needs ≥ 1 non-blank single-line feature names");
    }
    if (algorithm == null || algorithm.isBlank()) {
      throw new IllegalArgumentException("model spec needs an algorithm code");
    }
  }
}
