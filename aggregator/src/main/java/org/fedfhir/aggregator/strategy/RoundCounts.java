package org.fedfhir.aggregator.strategy;

/**
 * Who took part in a round: the sites the round started with and the sites whose inputs are in the
 * sum. The difference are the dropouts; secure aggregation (Bonawitz et al. 2017) removed their masks
 * and their inputs are not in the sum.
 *
 * @param participants sites the round started with
 * @param contributors sites whose payload is in the aggregated sum
 */
public record RoundCounts(int participants, int contributors) {

  public RoundCounts {
    if (participants < 1) {
      throw new IllegalArgumentException("participants " + participants + "; need ≥ 1");
    }
    if (contributors < 1 || contributors > participants) {
      throw new IllegalArgumentException("contributors " + contributors + " with " + participants
          + " participants; need 1 ≤ contributors ≤ participants");
    }
  }

  public int dropouts() {
    return participants - contributors;
  }
}
