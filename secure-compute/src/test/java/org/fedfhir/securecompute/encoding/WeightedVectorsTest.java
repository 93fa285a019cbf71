package org.fedfhir.securecompute.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

class WeightedVectorsTest {

    @Test
    void weightedPrependsTheWeightAndScalesTheVector() {
        assertThat(WeightedVectors.weighted(0.5, new double[] {1.0, -0.4}))
                .containsExactly(0.5, 0.5, -0.2);
    }

    @Test
    void averageOfThreeSitesThroughTheCodecMatchesThePlainWeightedMean()
            throws NoSuchAlgorithmException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(3L);
        FixedPointCodec codec = FixedPointCodec.builder().maxSites(3).build();
        double[] weights = {0.12, 0.5, 0.93}; // e.g. examples / maximum examples, so w·x stays in [-1, 1]
        double[][] xs = {
            {0.9, -0.3, 0.0, 0.77},
            {-0.2, 0.6, 0.1, -0.99},
            {0.4, 0.05, -1.0, 0.5},
        };

        long[] sum = new long[5];
        for (int s = 0; s < 3; s++) {
            sum = codec.add(sum, codec.encode(WeightedVectors.weighted(weights[s], xs[s]), random));
        }
        double[] average = WeightedVectors.average(codec.decode(sum));

        double totalWeight = weights[0] + weights[1] + weights[2];
        double e = codec.errorBound(3); // on Σw and on each Σw·x
        for (int i = 0; i < 4; i++) {
            double weightedSum = 0;
            for (int s = 0; s < 3; s++) {
                weightedSum += weights[s] * xs[s][i];
            }
            double mean = weightedSum / totalWeight;
            // |(A + ea)/(W + ew) - A/W| <= (|ea| + |A/W| |ew|) / (W - |ew|)
            double bound = (e + Math.abs(mean) * e) / (totalWeight - e);
            assertThat(Math.abs(average[i] - mean)).as("coordinate %d", i).isLessThan(bound);
        }
    }

    @Test
    void zeroTotalWeightIsAClearError() {
        assertThatThrownBy(() -> WeightedVectors.average(new double[] {0.0, 0.0, 0.0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("total weight is not positive");
        assertThatThrownBy(() -> WeightedVectors.average(new double[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void negativeOrNonFiniteWeightsAreRefused() {
        assertThatThrownBy(() -> WeightedVectors.weighted(-1, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WeightedVectors.weighted(Double.NaN, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WeightedVectors.weighted(Double.POSITIVE_INFINITY, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
