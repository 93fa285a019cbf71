package org.fedfhir.fhir.training;

/**
 * How to train locally.
 *
 * @param epochs passes over the training rows (0 with initial weights: evaluate those weights)
 * @param learningRate AdaGrad's initial step size
 * @param seed seed of the split and of Tribuo's shuffling
 * @param testFraction share of each class put in the test split, in (0, 1)
 */
public record TrainingConfig(LinearAlgorithm algorithm, int epochs, double learningRate, long seed,
    double testFraction) {
  public TrainingConfig {
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs " + epochs + " is negative; need ≥ 0");
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate " + learningRate + " must be > 0");
    }
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("test fraction " + testFraction + " must be in (0, 1)");
    }
  }
}
