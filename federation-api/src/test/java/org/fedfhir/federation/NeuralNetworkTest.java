package org.fedfhir.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NeuralNetworkTest {

  private static final double H = 1e-6;

  @Test
  void backpropagationMatchesFiniteDifferencesWithOneHiddenLayer() {
    assertGradientMatchesFiniteDifferences(new NeuralNetwork(5, List.of(7), 11L), 0);
  }

  @Test
  void backpropagationMatchesFiniteDifferencesWithTwoHiddenLayers() {
    assertGradientMatchesFiniteDifferences(new NeuralNetwork(4, List.of(6, 3), 12L), 0);
  }

  @Test
  void backpropagationMatchesFiniteDifferencesUnderAFixedDropoutMask() {
    // the same seeded generator draws the same mask for every evaluation, so the loss is a smooth function
    assertGradientMatchesFiniteDifferences(new NeuralNetwork(4, List.of(8, 5), 13L), 0.3);
  }

  @Test
  void theSameSeedGivesTheSameInitialModelAndAnotherSeedAnother() {
    NeuralNetwork a = new NeuralNetwork(13, List.of(32, 16), 43L);
    assertThat(a.initial()).containsExactly(new NeuralNetwork(13, List.of(32, 16), 43L).initial());
    assertThat(a.initial()).isNotEqualTo(new NeuralNetwork(13, List.of(32, 16), 44L).initial());
  }

  @Test
  void initialWeightsAreGlorotUniformAndBiasesZero() {
    NeuralNetwork n = new NeuralNetwork(13, List.of(16), 43L);
    double[] theta = n.initial();
    double bound = Math.sqrt(6.0 / (13 + 16));
    for (int k = 0; k < 16 * 13; k++) {
      assertThat(Math.abs(theta[k])).isLessThanOrEqualTo(bound);
    }
    for (int k = 16 * 13; k < 16 * 13 + 16; k++) {
      assertThat(theta[k]).isZero();
    }
    assertThat(theta[theta.length - 1]).isZero();
  }

  @Test
  void dimensionCountsEveryWeightAndBias() {
    assertThat(new NeuralNetwork(13, List.of(16), 1L).dimension()).isEqualTo(16 * 13 + 16 + 16 + 1);
    assertThat(new NeuralNetwork(13, List.of(32, 16), 1L).dimension())
        .isEqualTo(32 * 13 + 32 + 16 * 32 + 16 + 16 + 1);
  }

  @Test
  void aHandBuiltNetworkGivesTheProbabilityComputedByHand() {
    NeuralNetwork n = new NeuralNetwork(2, List.of(2), 1L);
    // W1 = [[1, 2], [−1, 0.5]], b1 = [0.1, −0.2], w2 = [3, −1], b2 = 0.25
    double[] theta = {1, 2, -1, 0.5, 0.1, -0.2, 3, -1, 0.25};
    double[] z = {0.5, -1};
    double h0 = Math.tanh(1 * 0.5 + 2 * -1 + 0.1);
    double h1 = Math.tanh(-1 * 0.5 + 0.5 * -1 - 0.2);
    double logit = 3 * h0 - h1 + 0.25;
    assertThat(n.probability(theta, z)).isCloseTo(1 / (1 + Math.exp(-logit)), org.assertj.core.data.Offset.offset(1e-15));
  }

  @Test
  void widthsParseAndBadOnesAreRefusedWithTheAllowedRange() {
    assertThat(NeuralNetwork.parseWidths("16")).containsExactly(16);
    assertThat(NeuralNetwork.parseWidths("32,16")).containsExactly(32, 16);
    assertThatThrownBy(() -> NeuralNetwork.parseWidths("32, 16")).hasMessageContaining("' 16' is not a layer width");
    assertThatThrownBy(() -> NeuralNetwork.parseWidths("300")).hasMessageContaining("1 ≤ width ≤ 256");
    assertThatThrownBy(() -> NeuralNetwork.parseWidths("0")).hasMessageContaining("1 ≤ width ≤ 256");
    assertThatThrownBy(() -> NeuralNetwork.parseWidths("8,8,8")).hasMessageContaining("need 1 to 2");
    assertThatThrownBy(() -> NeuralNetwork.parseWidths("wide")).hasMessageContaining("not a layer width");
    assertThatThrownBy(() -> NeuralNetwork.parseWidths("")).hasMessageContaining("need 1 to 2");
  }

  @Test
  void aModelOfTheWrongLengthIsRefused() {
    NeuralNetwork n = new NeuralNetwork(3, List.of(4), 1L);
    assertThatThrownBy(() -> n.probability(new double[5], new double[3])).hasMessageContaining("has " + n.dimension());
  }

  private static void assertGradientMatchesFiniteDifferences(NeuralNetwork n, double dropout) {
    SplittableRandom data = new SplittableRandom(99);
    double[] theta = n.initial();
    for (int k = 0; k < theta.length; k++) {
      theta[k] += data.nextDouble(-0.3, 0.3); // biases away from zero too
    }
    for (int record = 0; record < 4; record++) {
      double[] z = new double[n.features()];
      for (int j = 0; j < z.length; j++) {
        z[j] = data.nextGaussian();
      }
      int y = record % 2;
      long maskSeed = 1000 + record;
      double[] gradient = new double[theta.length];
      n.addGradient(theta, z, y, dropout, new SplittableRandom(maskSeed), gradient);
      for (int k = 0; k < theta.length; k++) {
        double[] plus = theta.clone();
        double[] minus = theta.clone();
        plus[k] += H;
        minus[k] -= H;
        double numeric = (loss(n, plus, z, y, dropout, maskSeed) - loss(n, minus, z, y, dropout, maskSeed)) / (2 * H);
        assertThat(gradient[k]).as("∂loss/∂θ[%d] of record %d", k, record)
            .isCloseTo(numeric, org.assertj.core.data.Offset.offset(1e-7 + 1e-5 * Math.abs(numeric)));
      }
    }
  }

  private static double loss(NeuralNetwork n, double[] theta, double[] z, int y, double dropout, long maskSeed) {
    return n.addGradient(theta, z, y, dropout, new SplittableRandom(maskSeed), new double[theta.length]);
  }
}
