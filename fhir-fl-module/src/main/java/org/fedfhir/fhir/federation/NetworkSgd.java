package org.fedfhir.fhir.federation;

import java.util.SplittableRandom;
import org.fedfhir.federation.NeuralNetwork;

/**
 * The local step of an {@code mlp} study under FedAvg and the server optimisers: mini-batch SGD on
 * the mean log-loss of {@link NeuralNetwork}, from the round's global parameters, for
 * {@code local-epochs} over the site's training rows (standardised with the global means and SDs),
 * with a seeded shuffle each epoch and the study's {@code dropout} on the hidden units. The seed
 * also draws the dropout masks, so a run is reproducible from it.
 */
final class NetworkSgd {
  /** Rows per step; the last batch of an epoch takes what is left. */
  static final int BATCH_SIZE = 16;

  private NetworkSgd() {}

  static double[] train(NeuralNetwork network, double[] global, StandardisedRows rows, int epochs,
      double learningRate, double dropout, long seed) {
    double[] theta = global.clone();
    double[] gradient = new double[theta.length];
    SplittableRandom random = new SplittableRandom(seed);
    int[] order = Shuffle.rows(rows.size());
    for (int e = 0; e < epochs; e++) {
      Shuffle.epoch(order, random);
      for (int start = 0; start < order.length; start += BATCH_SIZE) {
        int end = Math.min(order.length, start + BATCH_SIZE);
        java.util.Arrays.fill(gradient, 0);
        for (int k = start; k < end; k++) {
          network.addGradient(theta, rows.z[order[k]], rows.y[order[k]], dropout, random, gradient);
        }
        double step = learningRate / (end - start);
        for (int k = 0; k < theta.length; k++) {
          theta[k] -= step * gradient[k];
        }
      }
    }
    return theta;
  }
}
