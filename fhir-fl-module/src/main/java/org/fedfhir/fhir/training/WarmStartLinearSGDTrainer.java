package org.fedfhir.fhir.training;

import java.util.SplittableRandom;
import org.tribuo.classification.sgd.LabelObjective;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.math.LinearParameters;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.la.DenseMatrix;

/**
 * Tribuo's {@link LinearSGDTrainer} started from given weights instead of zeros (Tribuo 4.3.2 has
 * no warm-start API): {@link #createParameters} returns a copy of the initial matrix
 * ({@code labels × (features + 1)}, bias in the last column). With 0 epochs the model has exactly
 * those weights.
 */
final class WarmStartLinearSGDTrainer extends LinearSGDTrainer {
  private final DenseMatrix initial;

  WarmStartLinearSGDTrainer(LabelObjective objective, StochasticGradientOptimiser optimiser, int epochs,
      long seed, DenseMatrix initial) {
    super(objective, optimiser, epochs, -1, 1, seed);
    this.initial = initial;
  }

  @Override
  protected LinearParameters createParameters(int numFeatures, int numOutputs, SplittableRandom rng) {
    if (initial == null) {
      return super.createParameters(numFeatures, numOutputs, rng);
    }
    LinearParameters fresh = super.createParameters(numFeatures, numOutputs, rng);
    DenseMatrix shape = fresh.getWeightMatrix();
    if (shape.getDimension1Size() != initial.getDimension1Size()
        || shape.getDimension2Size() != initial.getDimension2Size()) {
      throw new IllegalArgumentException("initial weights are " + initial.getDimension1Size() + "×"
          + initial.getDimension2Size() + " but the model needs " + shape.getDimension1Size() + "×"
          + shape.getDimension2Size());
    }
    return new LinearParameters(initial.copy());
  }
}
