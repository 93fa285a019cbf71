package org.fedfhir.aggregator.store;

import java.util.HexFormat;

/**
 * A study as the aggregator runs it: identity, definition digest and the parameters of
 * docs/study-format.md that the aggregator needs.
 *
 * @param ref canonical URL and version
 * @param definitionDigest SHA-256 (hex) of the canonical study definition every site must hold
 * @param strategy strategy code ({@code fedavg}, …)
 * @param rounds number of rounds, ≥ 1
 * @param minSites sites needed to start a round, ≥ 2
 * @param threshold secret-sharing threshold t ≥ 2, or 0 for the default ⌈2n/3⌉ of each round's sites
 * @param modelDimension length of the model vector, ≥ 1
 * @param serverLearningRate server optimisers' η
 * @param proximalMu FedProx μ
 * @param l2 L2 penalty (federated Newton)
 */
public record StudyPlan(StudyRef ref, String definitionDigest, String strategy, int rounds,
    int minSites, int threshold, int modelDimension, double serverLearningRate, double proximalMu,
    double l2) {

  public StudyPlan {
    if (definitionDigest == null || definitionDigest.length() != 64
        || !definitionDigest.chars().allMatch(HexFormat::isHexDigit)) {
      throw new IllegalArgumentException("definition digest '" + definitionDigest
          + "'; need 64 hex digits (SHA-256)");
    }
    definitionDigest = definitionDigest.toLowerCase(java.util.Locale.ROOT);
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds " + rounds + "; need ≥ 1");
    }
    if (minSites < 2) {
      throw new IllegalArgumentException("min-sites " + minSites + "; need ≥ 2");
    }
    if (threshold != 0 && (threshold < 2 || threshold > minSites)) {
      throw new IllegalArgumentException("threshold " + threshold + " with min-sites " + minSites
          + "; need 2 ≤ t ≤ min-sites, or 0 for ⌈2n/3⌉");
    }
    if (modelDimension < 1) {
      throw new IllegalArgumentException("model dimension " + modelDimension + "; need ≥ 1");
    }
  }

  /** The threshold for a round with n participants. */
  public int thresholdFor(int participants) {
    return threshold != 0 ? threshold : Math.max(2, (2 * participants + 2) / 3);
  }
}
