package org.fedfhir.securecompute.privacy;

import java.util.Locale;
import java.util.Optional;
import org.fedfhir.securecompute.privacy.DistributedDiscreteGaussian.Sensitivity;

/**
 * The differential privacy a training study declares ({@code dp-epsilon}, {@code dp-delta},
 * {@code dp-clip}, {@code dp-unit}; docs/study-format.md) and what follows from it for every round,
 * on the sites and the aggregator alike: DP-FedSGD (McMahan, Ramage, Talwar and Zhang, "Learning
 * Differentially Private Recurrent Language Models", ICLR 2018) with the noise distributed among the
 * sites as the distributed discrete Gaussian (Kairouz, Liu and Steinke, ICML 2021;
 * {@link DistributedDiscreteGaussian}).
 *
 * <p><b>The mechanism.</b> Each TRAIN round every site computes, at the global model, the gradient
 * of the loss of each privacy unit — one record ({@link Unit#RECORD}: the per-example gradient,
 * Abadi et al., CCS 2016) or its whole training split ({@link Unit#SITE}: its mean gradient) —
 * clips it to L2 norm {@link #clip()}, scales it by the learning rate η and rounds it to the
 * lattice of step {@link #step(double)} (the largest power of two ≤ η·clip/{@value #LATTICE_POINTS}),
 * so that one unit moves the site's integer sum by at most {@code L = η·clip/step} plus rounding.
 * A record-level study also counts its records, {@value #COUNT_WEIGHT} lattice points each, so the
 * count that normalises the step is noised too; a site-level study's count of sites is exact (the
 * aggregator knows who contributed). Each site adds its share of N_Z(0, σ²) per coordinate,
 * σ² calibrated so that the sum of the round's threshold t shares (any sum the aggregator can
 * unmask) is ρ/R-zCDP, R the study's rounds and ρ the zCDP budget of (ε, δ)
 * ({@link ZeroConcentrated#rhoFor}). R rounds compose to ρ-zCDP, i.e. (ε, δ)-DP.
 *
 * @param epsilon ε &gt; 0 of the whole study
 * @param delta δ in (0, 1)
 * @param clip the L2 norm C each unit's gradient is clipped to, &gt; 0
 * @param unit whose privacy is protected
 */
public record TrainingPrivacy(double epsilon, double delta, double clip, Unit unit) {

  /** The study's δ when it declares none. */
  public static final double DEFAULT_DELTA = 1e-5;
  /** The clip norm C when the study declares none. */
  public static final double DEFAULT_CLIP = 1.0;
  /** Lattice points per η·C: the resolution of a clipped, scaled gradient. */
  public static final int LATTICE_POINTS = 1024;
  /** Lattice points one record adds to a record-level study's count. */
  public static final int COUNT_WEIGHT = 1024;
  /** The finest lattice step a 24-bit fixed-point encoding carries exactly. */
  public static final double FINEST_STEP = 0x1p-24;

  /** Whose privacy a study protects ({@code dp-unit}). */
  public enum Unit {
    /** One patient's record: adding or removing it changes the released model little. */
    RECORD,
    /** One site's whole training split. */
    SITE;

    /** The study-format code: {@code record} or {@code site}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The unit of a study-format code. */
    public static Optional<Unit> fromCode(String code) {
      for (Unit u : values()) {
        if (u.code().equals(code)) {
          return Optional.of(u);
        }
      }
      return Optional.empty();
    }
  }

  /** Validates every value and names the bad one. */
  public TrainingPrivacy {
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("dp-epsilon " + epsilon + "; need a finite ε > 0");
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("dp-delta " + delta + "; need 0 < δ < 1");
    }
    if (!(clip > 0) || Double.isInfinite(clip)) {
      throw new IllegalArgumentException("dp-clip " + clip + "; need a finite C > 0");
    }
    if (unit == null) {
      throw new IllegalArgumentException("dp-unit is required: record | site");
    }
  }

  /** The zCDP budget ρ of the whole study. */
  public double rho() {
    return ZeroConcentrated.rhoFor(epsilon, delta);
  }

  /** The zCDP ρ of one TRAIN round of a study of {@code rounds} rounds: ρ/R. */
  public double roundRho(int rounds) {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds " + rounds + "; need ≥ 1");
    }
    return rho() / rounds;
  }

  /**
   * The lattice step of a clipped gradient scaled by {@code learningRate}: the largest power of two
   * ≤ η·C/{@value #LATTICE_POINTS}.
   *
   * @throws IllegalArgumentException if it is finer than {@link #FINEST_STEP}
   */
  public double step(double learningRate) {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate " + learningRate + "; need a finite η > 0");
    }
    double step = Math.scalb(1.0, Math.getExponent(learningRate * clip / LATTICE_POINTS));
    if (step < FINEST_STEP) {
      throw new IllegalArgumentException("learning-rate × dp-clip = " + learningRate * clip + " is below "
          + LATTICE_POINTS * FINEST_STEP + ", finer than the 24-bit fixed-point encoding carries");
    }
    return step;
  }

  /**
   * How much one unit moves a site's integer update of {@code dimension} coordinates: its clipped
   * gradient, at most {@code L = η·C/step} plus ½ per coordinate from rounding, and for a record
   * its {@value #COUNT_WEIGHT} count points. The L1 bound is √(coordinates)·L2.
   */
  public Sensitivity sensitivity(int dimension, double learningRate) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension " + dimension + "; need ≥ 1");
    }
    double gradient = learningRate * clip / step(learningRate) + Math.sqrt(dimension) / 2;
    int coordinates = unit == Unit.RECORD ? dimension + 1 : dimension;
    double l2 = unit == Unit.RECORD ? Math.hypot(gradient, COUNT_WEIGHT) : gradient;
    return new Sensitivity(Math.sqrt(coordinates) * l2, l2, coordinates);
  }

  /**
   * Each site's noise variance σ² per coordinate, in lattice units, in a round of threshold
   * {@code threshold} of a study of {@code rounds} rounds.
   */
  public double shareVariance(int threshold, int rounds, int dimension, double learningRate) {
    return DistributedDiscreteGaussian.calibrate(roundRho(rounds), threshold, sensitivity(dimension, learningRate));
  }

  @Override
  public String toString() {
    return "TrainingPrivacy[ε=" + epsilon + ", δ=" + delta + ", clip=" + clip + ", unit=" + unit.code() + "]";
  }
}
