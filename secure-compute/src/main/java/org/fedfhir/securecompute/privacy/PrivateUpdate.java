package org.fedfhir.securecompute.privacy;

import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

/**
 * A site's differentially private update in one TRAIN round ({@link TrainingPrivacy}): the clipped,
 * scaled and rounded gradients of its privacy units summed on the integer lattice, plus its share
 * of the distributed discrete Gaussian noise, laid out as the weighted-model payload
 * {@code [c·w̃ − step·(Σv + z), c]} that FedAvg and the server optimisers already read (their average
 * is then {@code w̃ − step·(Σv + z)/Σc}, one DP-SGD step). Here {@code w̃} is the global model rounded
 * to 2⁻¹², {@code c} the unit count (records: {@code (1024·n + z_c)/1024}, noised; sites: 1), so every
 * value is a multiple of 2⁻²⁴ and the fixed-point encoding carries it exactly: the sum the
 * aggregator unmasks is a function of the noisy lattice sums and the public model only.
 *
 * <p>Nothing here logs; the gradients, the noise and the payload never leave the caller.
 */
public final class PrivateUpdate {

  /** The grid the global model is rounded to before it is weighted: 2⁻¹². */
  public static final double MODEL_GRID = 0x1p-12;

  private final TrainingPrivacy privacy;
  private final int dimension;
  private final double learningRate;
  private final double step;
  private final double variance;
  private final DiscreteGaussian sampler;

  /**
   * One round's update rule.
   *
   * @param dimension the model's length d (the length of each gradient)
   * @param learningRate η, the step the aggregator's average takes along the mean gradient
   * @param threshold the round's threshold t: at least t shares are in any unmasked sum
   * @param rounds the study's TRAIN rounds R, over which the budget is spread
   */
  public PrivateUpdate(TrainingPrivacy privacy, int dimension, double learningRate, int threshold, int rounds,
      SecureRandom random) {
    this.privacy = Objects.requireNonNull(privacy, "privacy");
    this.dimension = dimension;
    this.learningRate = learningRate;
    this.step = privacy.step(learningRate);
    this.variance = privacy.shareVariance(threshold, rounds, dimension, learningRate);
    this.sampler = new DiscreteGaussian(Objects.requireNonNull(random, "random"));
  }

  /** The lattice step of the update's coordinates. */
  public double step() {
    return step;
  }

  /** This site's σ² per coordinate, in lattice units. */
  public double shareVariance() {
    return variance;
  }

  /**
   * The payload {@code [c·w̃ − step·(Σv + z), c]} of length d + 1.
   *
   * @param global the round's global model, length d
   * @param gradients one gradient of the loss per privacy unit (a record's, or the site's mean), each
   *     of length d; each is clipped to the study's norm here
   */
  public double[] payload(double[] global, List<double[]> gradients) {
    if (global.length != dimension) {
      throw new IllegalArgumentException("global model of " + global.length + " values; need " + dimension);
    }
    long[] sum = new long[dimension];
    for (double[] g : gradients) {
      if (g.length != dimension) {
        throw new IllegalArgumentException("gradient of " + g.length + " values; need " + dimension);
      }
      double norm = 0;
      for (double x : g) {
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      if (!Double.isFinite(norm)) {
        throw new IllegalArgumentException("a gradient is not finite");
      }
      double scale = learningRate * Math.min(1, privacy.clip() / Math.max(norm, Double.MIN_NORMAL)) / step;
      for (int i = 0; i < dimension; i++) {
        sum[i] = Math.addExact(sum[i], Math.round(g[i] * scale));
      }
    }
    double count;
    if (privacy.unit() == TrainingPrivacy.Unit.RECORD) {
      long points = Math.addExact((long) TrainingPrivacy.COUNT_WEIGHT * gradients.size(), sampler.sample(variance));
      count = points / (double) TrainingPrivacy.COUNT_WEIGHT;
    } else {
      count = 1;
    }
    double[] p = new double[dimension + 1];
    for (int i = 0; i < dimension; i++) {
      double w = Math.rint(global[i] / MODEL_GRID) * MODEL_GRID;
      p[i] = count * w - step * Math.addExact(sum[i], sampler.sample(variance));
    }
    p[dimension] = count;
    return p;
  }
}
