package org.fedfhir.securecompute.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FixedPointCodecTest {

    private SecureRandom random;
    private final Random inputs = new Random(42);

    @BeforeEach
    void seededRandom() throws NoSuchAlgorithmException {
        random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(2017L);
    }

    private double[] randomVector(int length, double range) {
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            v[i] = (inputs.nextDouble() * 2 - 1) * range;
        }
        return v;
    }

    private static double[] clipped(double[] v, double clip) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.max(-clip, Math.min(clip, v[i]));
        }
        return out;
    }

    @Test
    void defaultsAreThirtyTwoBitsClipOneSixteenFractionalBitsHundredSites() {
        FixedPointCodec codec = FixedPointCodec.builder().build();

        assertThat(codec.modulusBits()).isEqualTo(32);
        assertThat(codec.clip()).isEqualTo(1.0);
        assertThat(codec.fractionalBits()).isEqualTo(16);
        assertThat(codec.scale()).isEqualTo(65536.0);
        assertThat(codec.maxSites()).isEqualTo(100);
    }

    @Test
    void roundTripErrorIsBelowOneStepPerCoordinate() {
        FixedPointCodec codec = FixedPointCodec.builder().build();
        for (int trial = 0; trial < 50; trial++) {
            double[] x = randomVector(200, 1.0);
            double[] back = codec.decode(codec.encode(x, random));
            for (int i = 0; i < x.length; i++) {
                assertThat(Math.abs(back[i] - x[i])).isLessThan(1 / codec.scale());
            }
        }
    }

    @Test
    void encodingsAreResiduesInTheModulusRange() {
        FixedPointCodec codec = FixedPointCodec.builder().modulusBits(20).fractionalBits(10).build();
        long[] encoded = codec.encode(randomVector(500, 1.0), random);

        assertThat(java.util.Arrays.stream(encoded)).allSatisfy(e -> assertThat(e).isBetween(0L, (1L << 20) - 1));
    }

    @Test
    void sumOfSiteEncodingsDecodesToThePlainSumWithinTheBound() {
        FixedPointCodec codec = FixedPointCodec.builder().maxSites(100).build();
        for (int sites : new int[] {1, 2, 10, 100}) {
            double[] plain = new double[64];
            long[] sum = new long[64];
            for (int s = 0; s < sites; s++) {
                double[] x = randomVector(64, 1.5); // some values beyond the clip of 1.0
                double[] c = clipped(x, codec.clip());
                for (int i = 0; i < plain.length; i++) {
                    plain[i] += c[i];
                }
                sum = codec.add(sum, codec.encode(x, random));
            }
            double[] decoded = codec.decode(sum);
            for (int i = 0; i < plain.length; i++) {
                assertThat(Math.abs(decoded[i] - plain[i])).as("%d sites, coordinate %d", sites, i)
                        .isLessThan(codec.errorBound(sites));
            }
        }
    }

    @Test
    void sumOfGridValuesIsExact() {
        FixedPointCodec codec = FixedPointCodec.builder().fractionalBits(8).maxSites(50).build();
        double[] plain = new double[32];
        long[] sum = new long[32];
        for (int s = 0; s < 50; s++) {
            double[] x = new double[32];
            for (int i = 0; i < x.length; i++) {
                x[i] = (inputs.nextInt(513) - 256) / 256.0; // multiples of 1/scale in [-1, 1]
                plain[i] += x[i];
            }
            sum = codec.add(sum, codec.encode(x, random));
        }
        assertThat(codec.decode(sum)).containsExactly(plain);
    }

    @Test
    void stochasticRoundingIsUnbiased() {
        FixedPointCodec codec = FixedPointCodec.builder().build();
        double step = 1 / codec.scale();
        int n = 20_000;
        double total = 0;
        double negativeTotal = 0;
        for (int i = 0; i < n; i++) {
            total += codec.decode(codec.encode(new double[] {0.3 * step}, random))[0];
            negativeTotal += codec.decode(codec.encode(new double[] {-0.3 * step}, random))[0];
        }
        // Each draw is 0 or 1 step (Bernoulli 0.3): the mean's standard deviation is
        // sqrt(0.21 / 20000) ≈ 0.0032 steps; allow 5 of them. Always rounding down or to nearest
        // would give 0 and fail.
        assertThat(total / n / step).isCloseTo(0.3, within(0.0162));
        assertThat(negativeTotal / n / step).isCloseTo(-0.3, within(0.0162));
    }

    @Test
    void valuesOutsideTheClipAreClipped() {
        FixedPointCodec codec = FixedPointCodec.builder().clip(2.0).fractionalBits(4).maxSites(10).build();

        double[] decoded = codec.decode(codec.encode(new double[] {5.0, -1e300, 2.0, -2.0, 1.5}, random));

        assertThat(decoded).containsExactly(2.0, -2.0, 2.0, -2.0, 1.5);
    }

    @Test
    void negativeNumbersUseTwosComplement() {
        FixedPointCodec codec = FixedPointCodec.builder().modulusBits(16).fractionalBits(4).maxSites(10).build();

        long[] encoded = codec.encode(new double[] {-1.0, -0.5, 0.5}, random);

        assertThat(encoded).containsExactly(65536 - 16, 65536 - 8, 8);
        assertThat(codec.decode(encoded)).containsExactly(-1.0, -0.5, 0.5);
        // a positive and a negative value cancel to zero through wrap-around
        assertThat(codec.decode(codec.add(new long[] {encoded[1]}, new long[] {encoded[2]})))
                .containsExactly(0.0);
    }

    @Test
    void sixtyFourBitModulusWrapsAroundLikeLongArithmetic() {
        FixedPointCodec codec = FixedPointCodec.builder().modulusBits(64).clip(1000.0)
                .fractionalBits(40).maxSites(1000).build();
        double[] plain = new double[8];
        long[] sum = new long[8];
        for (int s = 0; s < 1000; s++) {
            double[] x = new double[8];
            for (int i = 0; i < x.length; i++) {
                x[i] = i % 2 == 0 ? -1000.0 : 1000.0 - s; // on the grid: exact
                plain[i] += x[i];
            }
            sum = codec.add(sum, codec.encode(x, random));
        }

        assertThat(codec.encode(new double[] {-1.0}, random)).containsExactly(-(1L << 40));
        assertThat(codec.decode(sum)).containsExactly(plain);
        assertThat(codec.decode(new long[] {Long.MIN_VALUE, -1L}))
                .containsExactly(Long.MIN_VALUE / codec.scale(), -1 / codec.scale());
    }

    @Test
    void eightBitModulusSumsToTheEdgeOfItsRange() {
        // 25 × (1 × 4 + 1) = 125 < 128
        FixedPointCodec codec = FixedPointCodec.builder().modulusBits(8).fractionalBits(2).maxSites(25).build();
        long[] negative = new long[1];
        long[] positive = new long[1];
        for (int s = 0; s < 25; s++) {
            negative = codec.add(negative, codec.encode(new double[] {-1.0}, random));
            positive = codec.add(positive, codec.encode(new double[] {1.0}, random));
        }

        assertThat(codec.encode(new double[] {-1.0}, random)).containsExactly(252);
        assertThat(negative[0]).isBetween(0L, 255L);
        assertThat(codec.decode(negative)).containsExactly(-25.0);
        assertThat(codec.decode(positive)).containsExactly(25.0);
        assertThat(codec.decode(new long[] {127, 128, 255, 256 + 3})).containsExactly(
                127 / 4.0, -128 / 4.0, -1 / 4.0, 3 / 4.0);
    }

    @Test
    void overflowRefusalIsAtTheEdge() {
        // 32767 × (1 × 65536 + 1) = 2147450879 < 2^31; 32768 × 65537 = 2147483648 + 32768 ≥ 2^31
        FixedPointCodec edge = FixedPointCodec.builder().maxSites(32_767).build();
        assertThat(edge.maxSites()).isEqualTo(32_767);
        assertThatThrownBy(() -> FixedPointCodec.builder().maxSites(32_768).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSites 32768")
                .hasMessageContaining("overflows 2^31")
                .hasMessageContaining("use more modulus bits, fewer fractional bits or a smaller clip");

        // 8 bits, integers: 1 × (126 + 1) = 127 < 128 accepted; 1 × (127 + 1) = 128 refused
        assertThat(FixedPointCodec.builder().modulusBits(8).fractionalBits(0).clip(126).maxSites(1)
                .build().clip()).isEqualTo(126.0);
        assertThatThrownBy(() -> FixedPointCodec.builder().modulusBits(8).fractionalBits(0).clip(127)
                .maxSites(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overflows 2^7");

        // 64 bits, checked exactly: 2 × (2^62 - 512 + 1) = 2^63 - 1022 accepted; 2 × (2^62 + 1) refused
        double belowEdge = Math.scalb(1.0, 62) - 512; // the largest double below 2^62
        FixedPointCodec wide = FixedPointCodec.builder().modulusBits(64).fractionalBits(0)
                .clip(belowEdge).maxSites(2).build();
        long[] twice = wide.add(wide.encode(new double[] {belowEdge, -belowEdge}, random),
                wide.encode(new double[] {belowEdge, -belowEdge}, random));
        assertThat(wide.decode(twice)).containsExactly(2 * belowEdge, -2 * belowEdge);
        assertThatThrownBy(() -> FixedPointCodec.builder().modulusBits(64).fractionalBits(0)
                .clip(Math.scalb(1.0, 62)).maxSites(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overflows 2^63");
    }

    @Test
    void theEdgeConfigurationDoesNotWrap() {
        FixedPointCodec codec = FixedPointCodec.builder().modulusBits(8).fractionalBits(0).clip(126)
                .maxSites(1).build();

        double[] decoded = codec.decode(codec.encode(new double[] {126, -126, 125.5, -125.5}, random));

        assertThat(decoded).startsWith(126.0, -126.0);
        assertThat(decoded[2]).isIn(125.0, 126.0);
        assertThat(decoded[3]).isIn(-126.0, -125.0);
    }

    @Test
    void overflowMessageNamesTheNumbers() {
        // 1000 sites × clip 10 × 2^16 ≈ 6.6e8 still fits in 2^31 ≈ 2.1e9; 10000 sites do not.
        assertThat(FixedPointCodec.builder().maxSites(1000).clip(10.0).build().maxSites()).isEqualTo(1000);
        assertThatThrownBy(() -> FixedPointCodec.builder().maxSites(10_000).clip(10.0).build())
                .hasMessage("maxSites 10000 × (clip 10.0 × scale 65536 + 1) = 6.55e+09 overflows 2^31,"
                        + " the signed range of 32 modulus bits; use more modulus bits, fewer"
                        + " fractional bits or a smaller clip");
    }

    @Test
    void constructionRejectsSettingsOutOfRange() {
        assertThatThrownBy(() -> FixedPointCodec.builder().modulusBits(7).build())
                .hasMessage("modulusBits 7 is outside 8..64");
        assertThatThrownBy(() -> FixedPointCodec.builder().modulusBits(65).build())
                .hasMessage("modulusBits 65 is outside 8..64");
        assertThatThrownBy(() -> FixedPointCodec.builder().clip(0).build())
                .hasMessage("clip 0.0 must be finite and > 0");
        assertThatThrownBy(() -> FixedPointCodec.builder().clip(-1).build())
                .hasMessage("clip -1.0 must be finite and > 0");
        assertThatThrownBy(() -> FixedPointCodec.builder().clip(Double.NaN).build())
                .hasMessage("clip NaN must be finite and > 0");
        assertThatThrownBy(() -> FixedPointCodec.builder().clip(Double.POSITIVE_INFINITY).build())
                .hasMessage("clip Infinity must be finite and > 0");
        assertThatThrownBy(() -> FixedPointCodec.builder().fractionalBits(-1).build())
                .hasMessage("fractionalBits -1 is outside 0..1023");
        assertThatThrownBy(() -> FixedPointCodec.builder().maxSites(0).build())
                .hasMessage("maxSites 0 must be >= 1");
    }

    @Test
    void nonFiniteInputsAreRefusedNamingOnlyTheIndex() {
        FixedPointCodec codec = FixedPointCodec.builder().build();

        assertThatThrownBy(() -> codec.encode(new double[] {0.123456, 0.5, 0.25, Double.NaN}, random))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value at index 3 is NaN");
        assertThatThrownBy(() -> codec.encode(new double[] {Double.NEGATIVE_INFINITY}, random))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value at index 0 is infinite");
    }

    @Test
    void addRequiresEqualLengthsAndReducesModK() {
        FixedPointCodec codec = FixedPointCodec.builder().modulusBits(8).fractionalBits(0).clip(1)
                .maxSites(10).build();

        assertThat(codec.add(new long[] {200, 5}, new long[] {100, 6})).containsExactly(44, 11);
        assertThatThrownBy(() -> codec.add(new long[2], new long[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot add vectors of lengths 2 and 3");
    }

    @Test
    void errorBoundIsSitesOverScaleWithinMaxSites() {
        FixedPointCodec codec = FixedPointCodec.builder().build();

        assertThat(codec.errorBound(10)).isEqualTo(10 / 65536.0);
        assertThatThrownBy(() -> codec.errorBound(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.errorBound(101))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sites 101 is outside 1..100 (maxSites)");
    }
}
