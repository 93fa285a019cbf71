package org.fedfhir.securecompute.encoding;

import java.math.BigDecimal;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;

/**
 * Encodes real vectors as fixed-point integers modulo 2^k so that the modular sum of the
 * encodings of several sites decodes to (approximately) the sum of their vectors. This is the
 * input encoding secure aggregation needs (Bonawitz et al., "Practical Secure Aggregation for
 * Privacy-Preserving Machine Learning", CCS 2017, where inputs live in Z_R with R = 2^k).
 *
 * <p>Encoding one value {@code v}:
 * <ol>
 *   <li>clip it to {@code [-clip, clip]};</li>
 *   <li>multiply by {@code scale = 2^fractionalBits};</li>
 *   <li>round stochastically: with {@code y} the scaled value, take {@code floor(y) + 1} with
 *       probability {@code y - floor(y)} and {@code floor(y)} otherwise, so the expected encoding
 *       is exactly {@code y} (unbiased, hence sums of many sites carry no systematic rounding
 *       error; the probability is resolved to 2^-53);</li>
 *   <li>reduce modulo 2^k, negatives in two's complement: the result is in {@code [0, 2^k)},
 *       read as unsigned; for k = 64 every {@code long} is a residue and addition simply wraps.</li>
 * </ol>
 * Decoding reads the residue as a signed value in {@code [-2^(k-1), 2^(k-1))} and divides by
 * {@code scale}.
 *
 * <p><b>Guarantees.</b> The configuration is refused at construction when the sum of
 * {@code maxSites} clipped, rounded values could leave the signed range, i.e. unless
 * {@code maxSites × (clip × scale + 1) < 2^(k-1)}. Under that rule, for any number of sites
 * {@code s ≤ maxSites}, every coordinate of {@code decode(sum of s encodings)} differs from the
 * sum of the clipped inputs by strictly less than {@link #errorBound(int) s / scale}, and by
 * nothing when the clipped inputs are multiples of {@code 1/scale}. (Decoding converts the signed
 * residue to {@code double}, exact while it is below 2^53 in magnitude.)
 *
 * <p>Instances are immutable and thread-safe; build them with {@link #builder()}.
 */
public final class FixedPointCodec {

    private final int modulusBits;
    private final double clip;
    private final int fractionalBits;
    private final double scale;
    private final int maxSites;
    private final long mask;

    private FixedPointCodec(Builder builder) {
        this.modulusBits = builder.modulusBits;
        this.clip = builder.clip;
        this.fractionalBits = builder.fractionalBits;
        this.scale = Math.scalb(1.0, builder.fractionalBits);
        this.maxSites = builder.maxSites;
        this.mask = modulusBits == Long.SIZE ? -1L : (1L << modulusBits) - 1;
    }

    /**
     * @return a builder with defaults k = 32, clip = 1.0, fractional bits = 16, max sites = 100
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return k: encodings are residues modulo 2^k */
    public int modulusBits() {
        return modulusBits;
    }

    /** @return c: inputs are clipped to {@code [-c, c]} before encoding */
    public double clip() {
        return clip;
    }

    /** @return f: the scale is 2^f */
    public int fractionalBits() {
        return fractionalBits;
    }

    /** @return 2^f, the number of encoding steps per unit */
    public double scale() {
        return scale;
    }

    /** @return the largest number of encodings whose sum is guaranteed not to wrap */
    public int maxSites() {
        return maxSites;
    }

    /**
     * Clips, scales, rounds stochastically and reduces each value modulo 2^k.
     *
     * @param values the vector to encode; not modified
     * @param random the source for stochastic rounding (one draw per coordinate, whatever the
     *     values); a cryptographic generator, since rounding decisions correlate with the values
     * @return the encoding, same length, each element in {@code [0, 2^k)} read as unsigned
     * @throws IllegalArgumentException if a value is NaN or infinite (the message names its index
     *     only)
     */
    public long[] encode(double[] values, SecureRandom random) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(random, "random");
        long[] encoded = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("value at index " + i + " is NaN");
            }
            if (Double.isInfinite(v)) {
                throw new IllegalArgumentException("value at index " + i + " is infinite");
            }
            double scaled = Math.max(-clip, Math.min(clip, v)) * scale;
            double floor = Math.floor(scaled);
            double fraction = scaled - floor; // in [0, 1], correct to within 2^-53
            long rounded = (long) floor + (random.nextDouble() < fraction ? 1 : 0);
            encoded[i] = rounded & mask;
        }
        return encoded;
    }

    /**
     * Decodes a (sum of) encoding(s): reads the low k bits of each element as a signed value in
     * {@code [-2^(k-1), 2^(k-1))} and divides it by the scale. Elements are taken modulo 2^k, so
     * any {@code long} congruent to the sum decodes the same.
     *
     * @param sumModK encodings or their modular sum
     * @return the decoded vector, same length
     */
    public double[] decode(long[] sumModK) {
        Objects.requireNonNull(sumModK, "sumModK");
        int shift = Long.SIZE - modulusBits;
        double[] decoded = new double[sumModK.length];
        for (int i = 0; i < sumModK.length; i++) {
            long signed = (sumModK[i] << shift) >> shift; // sign-extend the low k bits
            decoded[i] = signed / scale;
        }
        return decoded;
    }

    /**
     * Adds two encoded vectors element-wise modulo 2^k.
     *
     * @return a new array, each element in {@code [0, 2^k)} read as unsigned
     * @throws IllegalArgumentException if the lengths differ
     */
    public long[] add(long[] a, long[] b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "cannot add vectors of lengths " + a.length + " and " + b.length);
        }
        long[] sum = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            sum[i] = (a[i] + b[i]) & mask;
        }
        return sum;
    }

    /**
     * The per-coordinate error bound of the aggregate: for {@code sites} encodings, each
     * coordinate of {@code decode(sum of encodings)} differs from the sum of the clipped inputs by
     * strictly less than the returned {@code sites / scale} (each stochastic rounding moves a
     * value by less than one step). The error of a single rounding has mean zero, so the typical
     * error grows like {@code sqrt(sites) / (2 scale)}; this is the worst case.
     *
     * @param sites the number of encodings summed, 1..maxSites
     * @return {@code sites / scale}
     * @throws IllegalArgumentException if {@code sites} is outside 1..maxSites (beyond maxSites
     *     the sum may wrap and no bound holds)
     */
    public double errorBound(int sites) {
        if (sites < 1 || sites > maxSites) {
            throw new IllegalArgumentException(
                    "sites " + sites + " is outside 1.." + maxSites + " (maxSites)");
        }
        return sites / scale;
    }

    @Override
    public String toString() {
        return "FixedPointCodec[k=" + modulusBits + ", clip=" + clip + ", fractionalBits="
                + fractionalBits + ", maxSites=" + maxSites + "]";
    }

    /**
     * Configures a {@link FixedPointCodec}; {@link #build()} validates every setting and the
     * overflow rule, naming the bad value and the allowed range.
     */
    public static final class Builder {
        private int modulusBits = 32;
        private double clip = 1.0;
        private int fractionalBits = 16;
        private int maxSites = 100;

        private Builder() {
        }

        /** @param k modulus bits, 8..64 (default 32) */
        public Builder modulusBits(int k) {
            this.modulusBits = k;
            return this;
        }

        /** @param c clipping bound, finite and &gt; 0 (default 1.0); inputs go to [-c, c] */
        public Builder clip(double c) {
            this.clip = c;
            return this;
        }

        /** @param f fractional bits, 0..1023 (default 16); the scale is 2^f */
        public Builder fractionalBits(int f) {
            this.fractionalBits = f;
            return this;
        }

        /** @param n the largest number of encodings that will be summed, &ge; 1 (default 100) */
        public Builder maxSites(int n) {
            this.maxSites = n;
            return this;
        }

        /**
         * @return the codec
         * @throws IllegalArgumentException if a setting is out of range, or if
         *     {@code maxSites × (clip × scale + 1) >= 2^(k-1)}
         */
        public FixedPointCodec build() {
            if (modulusBits < 8 || modulusBits > 64) {
                throw new IllegalArgumentException(
                        "modulusBits " + modulusBits + " is outside 8..64");
            }
            if (!(clip > 0) || Double.isInfinite(clip)) {
                throw new IllegalArgumentException(
                        "clip " + clip + " must be finite and > 0");
            }
            if (fractionalBits < 0 || fractionalBits > Double.MAX_EXPONENT) {
                throw new IllegalArgumentException("fractionalBits " + fractionalBits
                        + " is outside 0.." + Double.MAX_EXPONENT);
            }
            if (maxSites < 1) {
                throw new IllegalArgumentException("maxSites " + maxSites + " must be >= 1");
            }
            // Exact arithmetic: at the edge of 2^63, double products would round.
            BigDecimal scale = new BigDecimal(java.math.BigInteger.ONE.shiftLeft(fractionalBits));
            BigDecimal worstSum = new BigDecimal(clip).multiply(scale).add(BigDecimal.ONE)
                    .multiply(BigDecimal.valueOf(maxSites));
            BigDecimal limit = new BigDecimal(java.math.BigInteger.ONE.shiftLeft(modulusBits - 1));
            if (worstSum.compareTo(limit) >= 0) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "maxSites %d × (clip %s × scale %s + 1) = %.3g overflows 2^%d, the signed"
                                + " range of %d modulus bits; use more modulus bits, fewer"
                                + " fractional bits or a smaller clip",
                        maxSites, clip, scale.toPlainString(), worstSum.doubleValue(),
                        modulusBits - 1, modulusBits));
            }
            return new FixedPointCodec(this);
        }
    }
}
