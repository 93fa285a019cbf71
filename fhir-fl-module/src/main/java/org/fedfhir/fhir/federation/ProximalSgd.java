package org.fedfhir.fhir.federation;

import java.util.SplittableRandom;
import org.fedfhir.federation.ModelLayout;

/**
 * FedProx's local step (Li et al., "Federated Optimization in Heterogeneous Networks", MLSys 2020):
 * minimise the site's mean softmax cross-entropy over the two label rows (the objective of Tribuo's
 * {@code LogMulticlass}) plus {@code μ/2 ‖w − w_g‖²}, from {@code w = w_g}, by per-example SGD with
 * a seeded shuffle each epoch:
 * <pre>
 *   w_l ← w_l − η [ (p_l − 1{y = l}) x̃ + μ (w_l − w_g,l) ]      for both rows l, x̃ = [1, z]
 * </pre>
 * Tribuo's SGD trainers take a per-example loss and cannot add a term in the weights, so the step
 * is written out here. With μ = 0 it is plain SGD on the same objective as FedAvg's local step.
 */
final class ProximalSgd {
  private ProximalSgd() {}

  static double[] train(double[] global, StandardisedRows rows, int epochs, double learningRate, double mu,
      long seed) {
    int f = ModelLayout.TWO_ROW.features(global);
    double[] w = global.clone();
    SplittableRandom rng = new SplittableRandom(seed);
    int[] order = Shuffle.rows(rows.size());
    for (int e = 0; e < epochs; e++) {
      Shuffle.epoch(order, rng);
      for (int i : order) {
        double[] z = rows.z[i];
        double p1 = ModelLayout.TWO_ROW.probability(w, z);
        double[] residual = {1 - p1 - (rows.y[i] == 0 ? 1 : 0), p1 - (rows.y[i] == 1 ? 1 : 0)};
        for (int l = 0; l < 2; l++) {
          int o = l * (f + 1);
          w[o] -= learningRate * (residual[l] + mu * (w[o] - global[o]));
          for (int j = 0; j < f; j++) {
            w[o + 1 + j] -= learningRate * (residual[l] * z[j] + mu * (w[o + 1 + j] - global[o + 1 + j]));
          }
        }
      }
    }
    return w;
  }
}
