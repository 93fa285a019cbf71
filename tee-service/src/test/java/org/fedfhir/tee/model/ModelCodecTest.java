package org.fedfhir.tee.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

public class ModelCodecTest {

  public static LinearModel heartModel() {
    return new LinearModel("http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr", "10",
        List.of("age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak"),
        new double[] {53.5, 0.79, 3.25, 132.1, 220.0, 0.17, 0.6, 137.5, 0.39, 0.88},
        new double[] {9.4, 0.41, 0.93, 18.4, 93.0, 0.37, 0.8, 25.9, 0.49, 1.09},
        new double[] {0.31, 0.52, 0.68, 0.12, 0.05, 0.09, 0.11, -0.42, 0.47, 0.55},
        -0.21);
  }

  @Test
  void encodingRoundTripsAndTheDigestNamesTheModel() {
    LinearModel model = heartModel();
    byte[] encoding = ModelCodec.encode(model);

    assertThat(ModelCodec.decode(encoding)).isEqualTo(model);
    assertThat(ModelCodec.digest(model)).matches("[0-9a-f]{64}").isEqualTo(ModelCodec.digest(encoding));
    assertThat(encoding).hasSize(4 + 2 + (2 + model.study().length()) + (2 + 2) + 2
        + model.featureNames().stream().mapToInt(n -> 2 + n.length()).sum() + 8 * 31);
  }

  @Test
  void anyChangedWeightChangesTheDigest() {
    LinearModel model = heartModel();
    double[] w = model.weights();
    w[3] = Math.nextUp(w[3]);
    LinearModel other = new LinearModel(model.study(), model.version(), model.featureNames(), model.means(),
        model.sds(), w, model.bias());

    assertThat(ModelCodec.digest(other)).isNotEqualTo(ModelCodec.digest(model));
  }

  @Test
  void trailingOrTruncatedBytesAreRefused() {
    byte[] encoding = ModelCodec.encode(heartModel());

    assertThatThrownBy(() -> ModelCodec.decode(java.util.Arrays.copyOf(encoding, encoding.length + 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
    assertThatThrownBy(() -> ModelCodec.decode(java.util.Arrays.copyOf(encoding, encoding.length - 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
  }

  @Test
  void invalidModelsCannotBeBuiltAndWeightsNeverPrint() {
    LinearModel model = heartModel();
    assertThatThrownBy(() -> new LinearModel(model.study(), "1", List.of("a"), new double[] {0}, new double[] {0},
        new double[] {1}, 0)).hasMessageContaining("sd finite and > 0");
    assertThat(model.toString()).doesNotContain("0.31").contains("10 features");
  }

  @Test
  void predictionIsTheLogisticOfTheStandardisedLinearScore() {
    LinearModel model = new LinearModel("s", "1", List.of("x", "y"), new double[] {1, 2}, new double[] {2, 4},
        new double[] {0.5, -1}, 0.25);
    double z = 0.25 + 0.5 * (3 - 1) / 2.0 - 1 * (10 - 2) / 4.0;

    assertThat(model.predict(new double[] {3, 10})).isEqualTo(1 / (1 + Math.exp(-z)));
  }

  @Test
  void aMissingFeatureTakesTheModelsMeanAndInfinityIsRefused() {
    LinearModel model = new LinearModel("s", "1", List.of("x", "y"), new double[] {1, 2}, new double[] {2, 4},
        new double[] {0.5, -1}, 0.25);

    assertThat(model.predict(new double[] {Double.NaN, 10})).isEqualTo(model.predict(new double[] {1, 10}));
    byte[] key = new byte[32];
    assertThat(FeaturesPayload.decode(new FeaturesPayload(key, List.of("x", "y"), new double[] {Double.NaN, 10})
        .encode()).values()[0]).isNaN();
    assertThatThrownBy(() -> new FeaturesPayload(key, List.of("x"), new double[] {Double.POSITIVE_INFINITY}))
        .hasMessageContaining("finite or NaN");
  }
}
