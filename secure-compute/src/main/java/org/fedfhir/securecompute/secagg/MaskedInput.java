package org.fedfhir.securecompute.secagg;

/**
 * Stage 2: the site's input vector plus its self mask and pairwise masks, modulo 2^k. Alone it is
 * uniformly random to the aggregator.
 *
 * <p>Words of at most 32 bits are held as an {@code int[]} (read as unsigned), wider ones as a
 * {@code long[]}; {@link #vector()} gives them as unsigned {@code long}s either way.
 */
public final class MaskedInput implements SiteMessage {

  private final RoundId roundId;
  private final int sender;
  private final int modulusBits;
  private final int[] narrow;
  private final long[] wide;

  /** @param vector the masked elements, in [0, 2^k) */
  public MaskedInput(RoundId roundId, int sender, long[] vector, int modulusBits) {
    this(roundId, sender, modulusBits, modulusBits <= 32 ? narrowed(vector) : null,
        modulusBits <= 32 ? null : vector.clone());
  }

  private MaskedInput(RoundId roundId, int sender, int modulusBits, int[] narrow, long[] wide) {
    this.roundId = roundId;
    this.sender = sender;
    this.modulusBits = modulusBits;
    this.narrow = narrow;
    this.wide = wide;
  }

  /** Takes ownership of {@code words}, the masked elements of a modulus of at most 32 bits. */
  static MaskedInput ofWords(RoundId roundId, int sender, int[] words, int modulusBits) {
    return new MaskedInput(roundId, sender, modulusBits, words, null);
  }

  private static int[] narrowed(long[] vector) {
    int[] words = new int[vector.length];
    for (int i = 0; i < words.length; i++) {
      words[i] = (int) vector[i];
    }
    return words;
  }

  @Override
  public RoundId roundId() {
    return roundId;
  }

  @Override
  public int sender() {
    return sender;
  }

  public int modulusBits() {
    return modulusBits;
  }

  /** The masked elements as unsigned {@code long}s (a copy). */
  public long[] vector() {
    return wide != null ? wide.clone() : unsigned(narrow);
  }

  /** 32-bit words read as unsigned {@code long}s. */
  static long[] unsigned(int[] words) {
    long[] out = new long[words.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = words[i] & 0xFFFFFFFFL;
    }
    return out;
  }

  /** Adds this vector into {@code sum} modulo 2^k without copying it (k ≤ 32). */
  void addInto(int[] sum, int mask) {
    if (narrow == null) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] = (sum[i] + (int) wide[i]) & mask;
      }
      return;
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] = (sum[i] + narrow[i]) & mask;
    }
  }

  /** Adds this vector into {@code sum} modulo 2^k without copying it. */
  void addInto(long[] sum, long mask) {
    if (wide == null) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] = (sum[i] + (narrow[i] & 0xFFFFFFFFL)) & mask;
      }
      return;
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] = (sum[i] + wide[i]) & mask;
    }
  }

  int length() {
    return narrow != null ? narrow.length : wide.length;
  }

  @Override
  public Stage stage() {
    return Stage.MASKED_INPUT;
  }

  @Override
  public long payloadBytes() {
    return SiteMessage.headerBytes(roundId) + (long) length() * ((modulusBits + 7) / 8);
  }

  @Override
  public String toString() {
    return "MaskedInput[" + roundId + ", site " + sender + ", " + length() + " elements]";
  }
}
