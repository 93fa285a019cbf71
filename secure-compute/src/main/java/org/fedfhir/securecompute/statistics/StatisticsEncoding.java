package org.fedfhir.securecompute.statistics;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.fedfhir.securecompute.encoding.FixedPointCodec;

/**
 * The fixed-point encoding of a study's statistics for secure aggregation: residues modulo
 * 2^64, clip = the largest coordinate any site can produce (from the statistics' declared
 * bounds and the study's maximum records per site), and as many fractional bits (at most
 * {@value #MAX_FRACTIONAL_BITS}) as the codec's overflow rule allows for the study's maximum
 * number of sites. {@link FixedPointCodec}'s builder refuses any configuration whose sum could
 * wrap, so a built encoding is the proof that it cannot; {@link #encode} refuses (never clips) a
 * coordinate beyond the clip.
 *
 * <p>Counts are integers, hence multiples of 1/scale: they are encoded and summed exactly. Sums
 * of values are exact to within {@link #errorBound(int)} per coordinate.
 */
public final class StatisticsEncoding {

  /** Modulus bits k of the secure sum. */
  public static final int MODULUS_BITS = 64;
  /** The most fractional bits used (1/2^32 ≈ 2.3e-10 per site and coordinate). */
  public static final int MAX_FRACTIONAL_BITS = 32;

  private final FixedPointCodec codec;
  private final int maxRecordsPerSite;
  private final List<Integer> lengths;

  private StatisticsEncoding(FixedPointCodec codec, int maxRecordsPerSite, List<Integer> lengths) {
    this.codec = codec;
    this.maxRecordsPerSite = maxRecordsPerSite;
    this.lengths = lengths;
  }

  /**
   * Chooses the codec for a study's statistics.
   *
   * @param statistics the study's statistics, in the order of the concatenated vector
   * @param maxRecordsPerSite the most records a site may contribute (study parameter), ≥ 1
   * @param maxSites the most sites whose vectors are summed, ≥ 1
   * @throws IllegalArgumentException if even 0 fractional bits would overflow 2^63
   */
  public static StatisticsEncoding forStudy(List<? extends SufficientStatistic<?, ?>> statistics,
      int maxRecordsPerSite, int maxSites) {
    return of(statistics, maxRecordsPerSite, maxSites, false);
  }

  /**
   * The codec of a run's first round, whose vectors carry every statistic's slice and then one
   * contributor flag per statistic ({@link SiteDisclosure}): {@link #decode} gives one vector per
   * statistic and, last, the number of sites that contributed each.
   *
   * @see #forStudy
   */
  public static StatisticsEncoding forFirstRound(List<? extends SufficientStatistic<?, ?>> statistics,
      int maxRecordsPerSite, int maxSites) {
    return of(statistics, maxRecordsPerSite, maxSites, true);
  }

  private static StatisticsEncoding of(List<? extends SufficientStatistic<?, ?>> statistics,
      int maxRecordsPerSite, int maxSites, boolean contributorFlags) {
    if (statistics.isEmpty()) {
      throw new IllegalArgumentException("a study needs at least one statistic");
    }
    if (maxRecordsPerSite < 1) {
      throw new IllegalArgumentException("maxRecordsPerSite " + maxRecordsPerSite + " must be >= 1");
    }
    double clip = 1;
    List<Integer> lengths = new ArrayList<>();
    for (SufficientStatistic<?, ?> s : statistics) {
      clip = Math.max(clip, s.maxAbsCoordinate(maxRecordsPerSite));
      lengths.add(s.length());
    }
    if (contributorFlags) {
      lengths.add(statistics.size()); // flags are 0 or 1, within the clip (≥ 1)
    }
    IllegalArgumentException last = null;
    for (int f = MAX_FRACTIONAL_BITS; f >= 0; f--) {
      try {
        FixedPointCodec codec = FixedPointCodec.builder().modulusBits(MODULUS_BITS).clip(clip)
            .fractionalBits(f).maxSites(maxSites).build();
        return new StatisticsEncoding(codec, maxRecordsPerSite, List.copyOf(lengths));
      } catch (IllegalArgumentException e) {
        last = e;
      }
    }
    throw last;
  }

  /** @return the codec (k = 64, clip, fractional bits, max sites) */
  public FixedPointCodec codec() {
    return codec;
  }

  /** @return the most records a site may contribute */
  public int maxRecordsPerSite() {
    return maxRecordsPerSite;
  }

  /** @return the total vector length: the sum of the statistics' lengths */
  public int length() {
    return lengths.stream().mapToInt(Integer::intValue).sum();
  }

  /** @return per coordinate, the bound on |decoded sum − exact sum| for {@code sites} sites */
  public double errorBound(int sites) {
    return codec.errorBound(sites);
  }

  /**
   * Site-local: concatenates the statistics' vectors and encodes them.
   *
   * @param parts one vector per statistic, in the study's order (and, in a first round, the
   *     contributor flags last)
   * @param random the stochastic-rounding source
   * @throws IllegalArgumentException if a part has the wrong length or a coordinate exceeds the
   *     clip (the site has more records than declared); the message names the index only
   */
  public long[] encode(List<double[]> parts, SecureRandom random) {
    Objects.requireNonNull(parts, "parts");
    if (parts.size() != lengths.size()) {
      throw new IllegalArgumentException(parts.size() + " parts for " + lengths.size() + " statistics");
    }
    double[] all = new double[length()];
    int offset = 0;
    for (int p = 0; p < parts.size(); p++) {
      double[] part = parts.get(p);
      if (part.length != lengths.get(p)) {
        throw new IllegalArgumentException("part " + p + " has length " + part.length + ", expected "
            + lengths.get(p));
      }
      System.arraycopy(part, 0, all, offset, part.length);
      offset += part.length;
    }
    for (int i = 0; i < all.length; i++) {
      if (Math.abs(all[i]) > codec.clip()) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "coordinate %d exceeds the encoding's bound %.4g: more than %d records at this site?", i,
            codec.clip(), maxRecordsPerSite));
      }
    }
    return codec.encode(all, random);
  }

  /**
   * Decodes a secure sum and splits it into one vector per statistic. Coordinates are rounded to
   * 2^-fractionalBits; count coordinates come out as exact integers.
   */
  public List<double[]> decode(long[] sum) {
    double[] all = codec.decode(sum);
    if (all.length != length()) {
      throw new IllegalArgumentException("sum has length " + all.length + ", expected " + length());
    }
    List<double[]> parts = new ArrayList<>();
    int offset = 0;
    for (int len : lengths) {
      double[] part = new double[len];
      System.arraycopy(all, offset, part, 0, len);
      parts.add(part);
      offset += len;
    }
    return parts;
  }

  @Override
  public String toString() {
    return "StatisticsEncoding[" + codec + ", maxRecordsPerSite=" + maxRecordsPerSite + ", length="
        + length() + "]";
  }
}
