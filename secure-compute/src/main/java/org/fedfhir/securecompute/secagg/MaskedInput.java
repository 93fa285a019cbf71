package org.fedfhir.securecompute.secagg;

/**
 * Stage 2: the site's input vector plus its self mask and pairwise masks, modulo 2^k. Alone it is
 * uniformly random to the aggregator.
 */
public record MaskedInput(RoundId roundId, int sender, long[] vector, int modulusBits) implements SiteMessage {

  public MaskedInput {
    vector = vector.clone();
  }

  @Override
  public long[] vector() {
    return vector.clone();
  }

  /** Adds this vector into {@code sum} modulo 2^k without copying it. */
  void addInto(long[] sum, long mask) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] = (sum[i] + vector[i]) & mask;
    }
  }

  int length() {
    return vector.length;
  }

  @Override
  public Stage stage() {
    return Stage.MASKED_INPUT;
  }

  @Override
  public long payloadBytes() {
    return SiteMessage.headerBytes(roundId) + (long) vector.length * ((modulusBits + 7) / 8);
  }

  @Override
  public String toString() {
    return "MaskedInput[" + roundId + ", site " + sender + ", " + vector.length + " elements]";
  }
}
