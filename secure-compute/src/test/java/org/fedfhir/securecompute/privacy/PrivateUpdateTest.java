package org.fedfhir.securecompute.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.crypto.SecretBytes;
import org.fedfhir.securecompute.encoding.FixedPointCodec;
import org.fedfhir.securecompute.secagg.LocalRound;
import org.fedfhir.securecompute.secagg.NeighbourGraph;
import org.fedfhir.securecompute.secagg.SecAggConfig;
import org.fedfhir.securecompute.secagg.Stage;
import org.fedfhir.securecompute.privacy.TrainingPrivacy.Unit;
import org.junit.jupiter.api.Test;

class PrivateUpdateTest {

  static final double[] GLOBAL = {0.25, -0.5, 1.0, 0.125};
  /** Three records' gradients; the second has norm 10 and is clipped to 1. */
  static final List<double[]> GRADIENTS = List.of(new double[] {0.6, 0, 0, 0}, new double[] {0, 6, 0, 8},
      new double[] {0, 0, -0.3, 0});

  @Test
  void withNegligibleNoiseThePayloadIsTheWeightedModelAfterOneClippedGradientStep() throws Exception {
    TrainingPrivacy privacy = new TrainingPrivacy(1e6, 1e-5, 1.0, Unit.RECORD);
    PrivateUpdate update = new PrivateUpdate(privacy, 4, 0.5, 2, 1, DiscreteGaussianTest.seeded(1));
    double[] p = update.payload(GLOBAL, GRADIENTS);

    assertThat(update.shareVariance()).isLessThan(1);
    double noise = 8 * update.step() * GLOBAL.length; // a few lattice points of σ² = 0.5, times c·w
    assertThat(p[4]).isCloseTo(3, within(8.0 / TrainingPrivacy.COUNT_WEIGHT));
    double[] clippedSum = {0.6, 0.6, -0.3, 0.8};
    for (int i = 0; i < 4; i++) {
      assertThat(p[i]).isCloseTo(p[4] * GLOBAL[i] - 0.5 * clippedSum[i], within(noise));
    }
  }

  @Test
  void everyValueIsOnTheEncodingsGridSoTheSiteSendsExactlyTheNoisyLatticeSum() throws Exception {
    TrainingPrivacy privacy = new TrainingPrivacy(1, 1e-3, 1.0, Unit.RECORD);
    PrivateUpdate update = new PrivateUpdate(privacy, 4, 0.1, 3, 20, DiscreteGaussianTest.seeded(2));
    double[] p = update.payload(new double[] {0.123456789, -3.3, 2e-9, 7}, GRADIENTS);
    for (double v : p) {
      assertThat(Math.scalb(v, 24)).isEqualTo(Math.rint(Math.scalb(v, 24)));
    }
    // what the 24-bit codec sends decodes to the same value, whatever its rounding draws
    FixedPointCodec codec = FixedPointCodec.builder().modulusBits(64).fractionalBits(24).clip(1 << 30).maxSites(3)
        .build();
    assertThat(codec.decode(codec.encode(p, new SecureRandom()))).containsExactly(p);
  }

  @Test
  void aSiteLevelStudyCountsEachSiteOnceExactly() throws Exception {
    TrainingPrivacy privacy = new TrainingPrivacy(1, 1e-3, 1.0, Unit.SITE);
    PrivateUpdate update = new PrivateUpdate(privacy, 4, 0.1, 3, 20, DiscreteGaussianTest.seeded(3));
    assertThat(update.payload(GLOBAL, List.of(GRADIENTS.get(1)))[4]).isEqualTo(1.0);
  }

  @Test
  void theSumTheAggregatorUnmasksCarriesEverySitesNoise() throws Exception {
    // three sites, threshold 2: each adds σ² calibrated for 2 shares; the aggregator's sum has 3σ²
    int sites = 3;
    int threshold = 2;
    int d = 32;
    TrainingPrivacy privacy = new TrainingPrivacy(4, 1e-3, 1.0, Unit.RECORD);
    SecureRandom random = DiscreteGaussianTest.seeded(4);
    double[] global = new double[d];
    List<double[]> gradients = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      double[] g = new double[d];
      for (int i = 0; i < d; i++) {
        global[i] = (i - 16) / 64.0;
        g[i] = ((k * 7 + i * 3) % 11 - 5) / 100.0; // norm < 1: nothing is clipped
      }
      gradients.add(g);
    }
    List<PrivateUpdate> updates = new ArrayList<>();
    for (int s = 0; s < sites; s++) {
      updates.add(new PrivateUpdate(privacy, d, 1.0, threshold, 5, random));
    }
    FixedPointCodec codec = FixedPointCodec.builder().modulusBits(64).fractionalBits(24).clip(1 << 30)
        .maxSites(sites).build();
    SecAggConfig.Builder config = SecAggConfig.builder().study("http://fedfhir.org/fhir/PlanDefinition/dp")
        .vectorLength(d + 1).modulusBits(64).graph(NeighbourGraph.Kind.FULL).threshold(threshold);
    Map<Integer, SecretBytes> keys = new HashMap<>();
    LocalRound.signingKeys(sites, random).forEach((site, pair) -> {
      config.site(site, pair.publicKey());
      keys.put(site, pair.privateKey());
    });
    LocalRound round = new LocalRound(config.build(), keys, random);

    // The noiseless lattice sum: Σ_s Σ_k round(g/step), as the sites compute it.
    double step = updates.get(0).step();
    long[] lattice = new long[d];
    for (double[] g : gradients) {
      for (int i = 0; i < d; i++) {
        lattice[i] += sites * Math.round(g[i] / step);
      }
    }
    int runs = 60;
    double[] weightNoise = new double[runs * d];
    double[] countNoise = new double[runs];
    for (int r = 0; r < runs; r++) {
      Map<Integer, long[]> inputs = new TreeMap<>();
      for (int s = 0; s < sites; s++) {
        inputs.put(s + 1, codec.encode(updates.get(s).payload(global, gradients), random));
      }
      double[] sum = codec.decode(round.run(r, inputs, Map.<Integer, Stage>of()).sum());
      double count = sum[d];
      countNoise[r] = (count - sites * gradients.size()) * TrainingPrivacy.COUNT_WEIGHT;
      for (int i = 0; i < d; i++) {
        // the weights part minus the noisy count times the public model is −step·(Σv + Σz), exactly
        double z = -(sum[i] - count * global[i]) / step - lattice[i];
        assertThat(z).isEqualTo(Math.rint(z));
        weightNoise[r * d + i] = z;
      }
    }
    double expectedVariance = sites * updates.get(0).shareVariance();
    assertThat(mean(weightNoise)).isCloseTo(0, within(4 * Math.sqrt(expectedVariance / weightNoise.length)));
    assertThat(variance(weightNoise) / expectedVariance).isBetween(0.8, 1.2);
    assertThat(variance(countNoise) / expectedVariance).isBetween(0.4, 1.8);
  }

  @Test
  void badParametersAreNamed() {
    assertThatThrownBy(() -> new TrainingPrivacy(0, 1e-3, 1, Unit.RECORD)).hasMessageContaining("dp-epsilon 0.0");
    assertThatThrownBy(() -> new TrainingPrivacy(1, 1, 1, Unit.RECORD)).hasMessageContaining("dp-delta 1.0");
    assertThatThrownBy(() -> new TrainingPrivacy(1, 1e-3, -1, Unit.RECORD)).hasMessageContaining("dp-clip -1.0");
    assertThatThrownBy(() -> new TrainingPrivacy(1, 1e-3, 1e-9, Unit.RECORD).step(1e-3))
        .hasMessageContaining("finer than the 24-bit fixed-point encoding");
  }

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  static double variance(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return s / (x.length - 1);
  }
}
