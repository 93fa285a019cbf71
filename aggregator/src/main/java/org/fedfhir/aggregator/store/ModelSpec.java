package org.fedfhir.aggregator.store;

import java.util.List;

/**
 * What the aggregator needs from a study's definition to turn its final global model into a
 * servable model: the feature names in the study's order, the algorithm, and whether the study
 * owner may download the plaintext model (study parameter {@code share-model-with-owner}, default
 * false). Recorded when the study is published.
 */
public record ModelSpec(List<String> featureNames, String algorithm, boolean shareWithOwner) {

  public ModelSpec {
    featureNames = List.copyOf(featureNames);
    if (featureNames.isEmpty() || featureNames.stream().anyMatch(n -> n.isBlank() || n.contains("\n"))) {
      throw new IllegalArgumentException("model spec needs ≥ 1 non-blank single-line feature names");
    }
    if (algorithm == null || algorithm.isBlank()) {
      throw new IllegalArgumentException("model spec needs an algorithm code");
    }
  }
}
