package org.fedfhir.securecompute.privacy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.fedfhir.securecompute.privacy.DistributedDiscreteGaussian.Sensitivity;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;

/**
 * A site's share of the differential-privacy noise of a statistics study, added to its own
 * vector before masking, so that the sum the aggregator unmasks is already private: the
 * distributed discrete Gaussian mechanism (Kairouz, Liu and Steinke, ICML 2021;
 * {@link DistributedDiscreteGaussian}). Each statistic that declares ε gets, on its slice of the
 * concatenated vector (at the offset Σ of the earlier statistics' lengths), independent
 * N_Z(0, σ²) noise per coordinate from the exact sampler {@link DiscreteGaussian}, with σ² the
 * smallest per-site variance for which the sum of {@code threshold} shares makes the statistic
 * (ε, δ)-differentially private (adding or removing one patient). Coordinates after the last
 * statistic's slice are never touched.
 *
 * <p><b>What is noised</b>, per kind:
 * <ul>
 *   <li>{@code counts}, {@code crosstab}: every cell; one patient changes one cell by one
 *       (Δ₁ = Δ₂ = 1, d = cells). A crosstab has no "other" cells: records whose row or column
 *       is missing or undeclared are counted nowhere, so every cell of the slice is a declared
 *       cell and is noised.</li>
 *   <li>{@code summary}: the zCDP budget ρ is split in three equal parts, one each for the bin
 *       counts (Δ = 1 over all groups' bins: one patient is in one bin of one group), Σ(x − c)
 *       and Σ(x − c)² of each group. The two sums are first rounded to a lattice of step
 *       {@code s} = the largest power of two ≤ w/{@value #LATTICE_POINTS}, w = h = (upper − lower)/2
 *       for Σ(x − c) and w = h² for Σ(x − c)², so that one patient moves the rounded sum by at most
 *       ⌈w/s⌉ lattice points (the sensitivity in lattice units); the noise is k·s. A power of two
 *       keeps k·s exact in the fixed-point encoding. The count n and the clipped count are set
 *       to 0: a private release derives the count from the noisy bins and does not release the
 *       clipped count, so neither may leave the site exact.</li>
 *   <li>other kinds offer no differential privacy: a declaration of ε on one is refused.</li>
 * </ul>
 * The per-statistic guarantee is (ε, δ) with the study's δ; k private statistics together are
 * (Σε, kδ)-DP.
 *
 * <p>Nothing here logs; the noise and the vector never leave the caller.
 */
public final class SiteNoise {

  /** The study's δ when it declares none ({@code disclosure-control.epsilonDelta}). */
  public static final double DEFAULT_DELTA = 1e-6;
  /** Lattice points per width of a summary's sums (see the class comment). */
  public static final int LATTICE_POINTS = 1024;

  /**
   * One noised part of a statistic's slice.
   *
   * @param coordinates indices within the statistic's slice
   * @param step the lattice step: the value of one noise unit (1 for counts)
   * @param sensitivity in lattice units
   * @param variance the calibrated per-site σ², in lattice units
   */
  public record Part(int[] coordinates, double step, Sensitivity sensitivity, double variance) {}

  /**
   * How one statistic is noised.
   *
   * @param offset where its slice starts in the concatenated vector
   * @param parts the noised coordinates
   * @param zeroed coordinates within the slice a private release does not use, sent as 0
   */
  public record Plan(String statistic, int offset, List<Part> parts, int[] zeroed) {}

  private final List<Plan> plans;
  private final int length;
  private final DiscreteGaussian sampler;

  /**
   * Calibrates the noise of the study's statistics.
   *
   * @param declarations the study's statistics, in the order of the concatenated vector
   * @param threshold the round's threshold t ≥ 1: at least t shares are in any unmasked sum
   * @param delta the study's δ, in (0, 1)
   * @param random the noise source
   * @throws IllegalArgumentException if a statistic of a kind without differential privacy
   *     declares ε, or a parameter is out of range (the message names it)
   */
  public SiteNoise(List<StatisticDeclaration> declarations, int threshold, double delta, SecureRandom random) {
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold " + threshold + " must be >= 1");
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("epsilonDelta " + delta + " must be in (0, 1)");
    }
    this.sampler = new DiscreteGaussian(Objects.requireNonNull(random, "random"));
    List<Plan> out = new ArrayList<>();
    int offset = 0;
    for (StatisticDeclaration d : declarations) {
      int len = d.statistic().length();
      if (d.epsilon().isPresent()) {
        double rho = ZeroConcentrated.rhoFor(d.epsilon().get(), delta);
        out.add(new Plan(d.name(), offset, parts(d, len, rho, threshold), zeroed(d, len)));
      }
      offset += len;
    }
    this.plans = List.copyOf(out);
    this.length = offset;
  }

  /** @return how each private statistic is noised, in declared order */
  public List<Plan> plans() {
    return plans;
  }

  /**
   * Adds this site's share to each private statistic's slice of {@code vector}, in place.
   *
   * @param vector the site's concatenated statistics; at least as long as the statistics'
   *     slices (anything after them is left as it is)
   * @return {@code vector}
   */
  public double[] addTo(double[] vector) {
    if (vector.length < length) {
      throw new IllegalArgumentException("vector has length " + vector.length + ", the statistics need " + length);
    }
    for (Plan plan : plans) {
      for (Part part : plan.parts()) {
        for (int c : part.coordinates()) {
          int i = plan.offset() + c;
          long lattice = Math.round(vector[i] / part.step());
          vector[i] = Math.addExact(lattice, sampler.sample(part.variance())) * part.step();
        }
      }
      for (int c : plan.zeroed()) {
        vector[plan.offset() + c] = 0;
      }
    }
    return vector;
  }

  private static List<Part> parts(StatisticDeclaration d, int length, double rho, int threshold) {
    if (d instanceof StatisticDeclaration.Counts || d instanceof StatisticDeclaration.Crosstab) {
      return List.of(counts(range(0, length), rho, threshold));
    }
    if (d instanceof StatisticDeclaration.Summary s) {
      return summary(s, length, rho, threshold);
    }
    throw new IllegalArgumentException(d.name() + ": differential privacy is not offered for a "
        + d.kind().code() + " statistic; remove its epsilon");
  }

  private static Part counts(int[] coordinates, double rho, int threshold) {
    Sensitivity s = Sensitivity.oneCoordinate(1, coordinates.length);
    return new Part(coordinates, 1, s, DistributedDiscreteGaussian.calibrate(rho, threshold, s));
  }

  /** Per group: [n, Σ(x − c), Σ(x − c)², clipped, bins…] (NumericSummary's encoding). */
  private static List<Part> summary(StatisticDeclaration.Summary s, int length, double rho, int threshold) {
    int groups = s.groupBy() == null ? 1 : s.groups().size();
    int block = length / groups;
    int bins = block - 4;
    if (bins < 1 || block * groups != length) {
      throw new IllegalStateException(s.name() + ": unexpected summary layout " + length + " for " + groups + " groups");
    }
    int[] binCoordinates = new int[groups * bins];
    int[] sums = new int[groups];
    int[] squares = new int[groups];
    for (int g = 0; g < groups; g++) {
      for (int b = 0; b < bins; b++) {
        binCoordinates[g * bins + b] = g * block + 4 + b;
      }
      sums[g] = g * block + 1;
      squares[g] = g * block + 2;
    }
    double h = (s.upper() - s.lower()) / 2;
    double third = rho / 3;
    return List.of(counts(binCoordinates, third, threshold), lattice(sums, h, third, threshold),
        lattice(squares, h * h, third, threshold));
  }

  /** A sum of values in [−width, width] (or [0, width]) per group, on the lattice of step ≤ width/LATTICE_POINTS. */
  private static Part lattice(int[] coordinates, double width, double rho, int threshold) {
    double step = Math.scalb(1.0, Math.getExponent(width / LATTICE_POINTS));
    Sensitivity s = Sensitivity.oneCoordinate(Math.ceil(width / step), coordinates.length);
    return new Part(coordinates, step, s, DistributedDiscreteGaussian.calibrate(rho, threshold, s));
  }

  private static int[] zeroed(StatisticDeclaration d, int length) {
    if (!(d instanceof StatisticDeclaration.Summary)) {
      return new int[0];
    }
    StatisticDeclaration.Summary s = (StatisticDeclaration.Summary) d;
    int groups = s.groupBy() == null ? 1 : s.groups().size();
    int block = length / groups;
    int[] out = new int[2 * groups];
    for (int g = 0; g < groups; g++) {
      out[2 * g] = g * block;
      out[2 * g + 1] = g * block + 3;
    }
    return out;
  }

  private static int[] range(int from, int to) {
    int[] out = new int[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = i;
    }
    return out;
  }
}
