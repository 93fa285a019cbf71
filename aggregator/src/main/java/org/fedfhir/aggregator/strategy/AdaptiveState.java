package org.fedfhir.aggregator.strategy;

import java.util.Arrays;

/**
 * The server optimiser's moments after a round (Reddi et al., "Adaptive Federated Optimization",
 * ICLR 2021, Algorithm 2): first moment {@code m} and second moment {@code v}, one entry per weight.
 * Immutable: accessors return copies.
 */
public final class AdaptiveState implements StrategyState {

  private final double[] firstMoment;
  private final double[] secondMoment;
  private final int rounds;

  /**
   * @param firstMoment m_t
   * @param secondMoment v_t (every entry ≥ 0)
   * @param rounds number of rounds that updated this state
   */
  public AdaptiveState(double[] firstMoment, double[] secondMoment, int rounds) {
    if (firstMoment.length != secondMoment.length) {
      throw new IllegalArgumentException("first moment of length " + firstMoment.length
          + " and second moment of length " + secondMoment.length + "; need equal lengths");
    }
    for (double v : secondMoment) {
      if (!(v >= 0) || !Double.isFinite(v)) {
        throw new IllegalArgumentException("second moment entry " + v + "; need finite ≥ 0");
      }
    }
    if (rounds < 0) {
      throw new IllegalArgumentException("rounds " + rounds + "; need ≥ 0");
    }
    this.firstMoment = firstMoment.clone();
    this.secondMoment = secondMoment.clone();
    this.rounds = rounds;
  }

  public double[] firstMoment() {
    return firstMoment.clone();
  }

  public double[] secondMoment() {
    return secondMoment.clone();
  }

  public int rounds() {
    return rounds;
  }

  public int dimension() {
    return firstMoment.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AdaptiveState s && rounds == s.rounds
        && Arrays.equals(firstMoment, s.firstMoment) && Arrays.equals(secondMoment, s.secondMoment);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(firstMoment) + Arrays.hashCode(secondMoment)) + rounds;
  }

  @Override
  public String toString() {
    return "AdaptiveState[dimension=" + firstMoment.length + ", rounds=" + rounds + "]";
  }
}
