package org.fedfhir.securecompute.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class DiscreteGaussianTest {

    static SecureRandom seeded(long seed) throws Exception {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        return random;
    }

    @Test
    void sampleMeanIsZeroAndVarianceIsSigmaSquared() throws Exception {
        DiscreteGaussian gaussian = new DiscreteGaussian(seeded(1));
        int n = 100_000;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            long x = gaussian.sample(BigInteger.valueOf(4), BigInteger.ONE);
            sum += x;
            sumSq += (double) x * x;
        }
        assertThat(sum / n).isBetween(-0.05, 0.05);
        assertThat(sumSq / n).isBetween(3.9, 4.1);
    }

    @Test
    void seededSamplerIsDeterministic() throws Exception {
        DiscreteGaussian a = new DiscreteGaussian(seeded(7));
        DiscreteGaussian b = new DiscreteGaussian(seeded(7));
        for (int i = 0; i < 1000; i++) {
            assertThat(a.sample(BigInteger.ONE, BigInteger.TWO)).isEqualTo(b.sample(BigInteger.ONE, BigInteger.TWO));
        }
    }

    @Test
    void bernoulliExpFrequencyMatchesExpMinusGamma() throws Exception {
        DiscreteGaussian gaussian = new DiscreteGaussian(seeded(3));
        long[][] gammas = {{1, 3}, {1, 1}, {3, 2}, {7, 2}};
        int n = 100_000;
        for (long[] gamma : gammas) {
            int hits = 0;
            for (int i = 0; i < n; i++) {
                if (gaussian.bernoulliExp(BigInteger.valueOf(gamma[0]), BigInteger.valueOf(gamma[1]))) {
                    hits++;
                }
            }
            double expected = Math.exp(-(double) gamma[0] / gamma[1]);
            assertThat((double) hits / n).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.006));
        }
    }
}
