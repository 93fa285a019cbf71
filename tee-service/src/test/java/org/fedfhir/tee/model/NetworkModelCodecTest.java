package org.fedfhir.tee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A neural network model ({@code algorithm mlp}) in the TEE: its encoding, digest and prediction. */
class NetworkModelCodecTest {

  /** Two features, a hidden layer of 2 tanh units, the output a logistic regression on them. */
  static LinearModel tiny() {
    return new LinearModel("s", "1", List.of("x", "y"), new double[] {1, 2}, new double[] {2, 4},
        new double[] {3, -1}, 0.25, new HiddenLayers(new int[] {2}, new double[][] {{1, 2, -1, 0.5}},
            new double[][] {{0.1, -0.2}}));
  }

  static LinearModel twoLayers() {
    double[] first = new double[3 * 10];
    for (int k = 0; k < first.length; k++) {
      first[k] = Math.sin(k) / 3;
    }
    LinearModel heart = ModelCodecTest.heartModel();
    return new LinearModel(heart.study(), "7", heart.featureNames(), heart.means(), heart.sds(),
        new double[] {0.4, -0.9}, -0.1, new HiddenLayers(new int[] {3, 2}, new double[][] {first,
            {0.2, -0.3, 0.5, 0.7, -0.1, 0.05}}, new double[][] {{0, 0.1, -0.1}, {0.3, -0.2}}));
  }

  @Test
  void aNetworksPredictionIsTheLogisticOfItsOutputLayerOnTheTanhUnits() {
    double zx = (2 - 1) / 2.0;
    double zy = (-2 - 2) / 4.0;
    double h0 = Math.tanh(1 * zx + 2 * zy + 0.1);
    double h1 = Math.tanh(-1 * zx + 0.5 * zy - 0.2);
    double logit = 3 * h0 - h1 + 0.25;
    assertThat(tiny().predict(new double[] {2, -2})).isCloseTo(1 / (1 + Math.exp(-logit)), within(1e-15));
    double missing = Math.tanh(2 * zy + 0.1) * 3 - Math.tanh(0.5 * zy - 0.2) + 0.25;
    assertThat(tiny().predict(new double[] {Double.NaN, -2}))
        .as("a missing feature takes the model's mean").isCloseTo(1 / (1 + Math.exp(-missing)), within(1e-15));
  }

  @Test
  void aNetworkRoundTripsAsKindTwoAndAnyChangedHiddenWeightChangesTheDigest() {
    LinearModel model = twoLayers();
    byte[] encoding = ModelCodec.encode(model);
    assertThat(encoding[5]).isEqualTo((byte) 2);
    assertThat(ModelCodec.decode(encoding)).isEqualTo(model);
    assertThat(ModelCodec.decode(encoding).predict(new double[] {60, 1, 4, 140, 250, 0, 1, 120, 1, 2}))
        .isEqualTo(model.predict(new double[] {60, 1, 4, 140, 250, 0, 1, 120, 1, 2}));

    double[][] weights = model.hidden().weights();
    weights[1][4] = Math.nextUp(weights[1][4]);
    LinearModel other = new LinearModel(model.study(), model.version(), model.featureNames(), model.means(),
        model.sds(), model.weights(), model.bias(), new HiddenLayers(model.hidden().widths(), weights,
            model.hidden().biases()));
    assertThat(ModelCodec.digest(other)).isNotEqualTo(ModelCodec.digest(model));
    assertThat(ModelCodec.encode(ModelCodecTest.heartModel())[5]).as("a logistic model stays kind 1").isEqualTo((byte) 1);
  }

  @Test
  void aWidthBeyondTheLimitOrALayerThatDoesNotFitIsRefused() {
    byte[] encoding = ModelCodec.encode(tiny());
    int widthAt = 4 + 2 + (2 + 1) + (2 + 1) + 2 + 2 * (2 + 1) + 2 * 2 * 8 + 1;
    encoding[widthAt] = 0x01; // width 0x0102 = 258
    assertThatThrownBy(() -> ModelCodec.decode(encoding)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("width 258 outside 1..256");
    assertThatThrownBy(() -> new LinearModel("s", "1", List.of("x", "y"), new double[] {1, 2}, new double[] {2, 4},
        new double[] {3, -1, 1}, 0.25, tiny().hidden())).hasMessageContaining("3 output weights");
    assertThatThrownBy(() -> new HiddenLayers(new int[] {2, 2, 2}, new double[3][4], new double[3][2]))
        .hasMessageContaining("1..2 hidden layers");
  }

  @Test
  void aNetworkNeverPrintsItsWeights() {
    assertThat(twoLayers().toString()).contains("HiddenLayers[3, 2]").doesNotContain("0.4").doesNotContain("0.05");
  }
}
