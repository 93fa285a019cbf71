package org.fedfhir.securecompute.privacy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Exact sampler of the discrete Gaussian N_Z(0, σ²) for a rational σ², after Canonne, Kamath and
 * Steinke, "The Discrete Gaussian for Differential Privacy", NeurIPS 2020, Algorithms 1–3:
 * Bernoulli(exp(−γ)) by the alternating series, the discrete Laplace by geometric sampling, and
 * rejection from the discrete Laplace to the discrete Gaussian. Only integer arithmetic and the
 * given {@link SecureRandom} are used: no floating point in the sampling path.
 */
public final class DiscreteGaussian {

    private final SecureRandom random;

    public DiscreteGaussian(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** One sample of N_Z(0, num/den); num ≥ 0, den > 0. */
    public long sample(BigInteger sigma2Num, BigInteger sigma2Den) {
        if (sigma2Num.signum() < 0 || sigma2Den.signum() <= 0) {
            throw new IllegalArgumentException(
                    "variance " + sigma2Num + "/" + sigma2Den + " must have num ≥ 0 and den > 0");
        }
        if (sigma2Num.signum() == 0) {
            return 0;
        }
        BigInteger t = sigma2Num.divide(sigma2Den).sqrt().add(BigInteger.ONE);
        BigInteger twoNumDenT2 = BigInteger.TWO.multiply(sigma2Num).multiply(sigma2Den).multiply(t).multiply(t);
        while (true) {
            long y = discreteLaplace(t);
            BigInteger diff = BigInteger.valueOf(Math.abs(y)).multiply(sigma2Den).multiply(t).subtract(sigma2Num);
            if (bernoulliExp(diff.multiply(diff), twoNumDenT2)) {
                return y;
            }
        }
    }

    /** One sample of N_Z(0, σ²) for a double σ², converted exactly to a rational first. */
    public long sample(double sigma2) {
        if (!(sigma2 >= 0) || Double.isInfinite(sigma2)) {
            throw new IllegalArgumentException("variance " + sigma2 + " must be finite and ≥ 0");
        }
        java.math.BigDecimal exact = new java.math.BigDecimal(sigma2);
        BigInteger den = BigInteger.TEN.pow(Math.max(exact.scale(), 0));
        BigInteger num = exact.movePointRight(Math.max(exact.scale(), 0)).toBigIntegerExact();
        return sample(num, den);
    }

    /** Adds independent N_Z(0, num/den) noise to each entry of {@code vector}, in place. */
    public void addTo(long[] vector, BigInteger sigma2Num, BigInteger sigma2Den) {
        for (int i = 0; i < vector.length; i++) {
            vector[i] = Math.addExact(vector[i], sample(sigma2Num, sigma2Den));
        }
    }

    /** Bernoulli(num/den), 0 ≤ num/den ≤ 1. */
    boolean bernoulli(BigInteger num, BigInteger den) {
        return uniformBelow(den).compareTo(num) < 0;
    }

    /** Bernoulli(exp(−num/den)) for num/den ≥ 0 (CKS 2020, Algorithm 1). */
    boolean bernoulliExp(BigInteger num, BigInteger den) {
        while (num.compareTo(den) > 0) {
            if (!bernoulliExpAtMostOne(BigInteger.ONE, BigInteger.ONE)) {
                return false;
            }
            num = num.subtract(den);
        }
        return bernoulliExpAtMostOne(num, den);
    }

    private boolean bernoulliExpAtMostOne(BigInteger num, BigInteger den) {
        BigInteger k = BigInteger.ONE;
        while (bernoulli(num, den.multiply(k))) {
            k = k.add(BigInteger.ONE);
        }
        return k.testBit(0);
    }

    /** Discrete Laplace with scale t, P(x) ∝ exp(−|x|/t) (CKS 2020, Algorithm 2). */
    long discreteLaplace(BigInteger t) {
        while (true) {
            BigInteger u = uniformBelow(t);
            if (!bernoulliExp(u, t)) {
                continue;
            }
            long v = 0;
            while (bernoulliExp(BigInteger.ONE, BigInteger.ONE)) {
                v++;
            }
            long x = u.add(t.multiply(BigInteger.valueOf(v))).longValueExact();
            boolean negative = random.nextBoolean();
            if (negative && x == 0) {
                continue;
            }
            return negative ? -x : x;
        }
    }

    private BigInteger uniformBelow(BigInteger bound) {
        BigInteger r;
        do {
            r = new BigInteger(bound.bitLength(), random);
        } while (r.compareTo(bound) >= 0);
        return r;
    }
}
