package org.fedfhir.securecompute.encoding;

import java.util.Objects;

/**
 * Weighted averaging through a sum: each site contributes {@code [w, w·x]} and the aggregate
 * {@code [Σw, Σw·x]} gives the weighted mean {@code Σw·x / Σw}, so the aggregator learns the
 * total weight and the weighted total but no single site's weight or vector. This is how FedAvg's
 * example-count weighting (McMahan et al., AISTATS 2017) runs on top of secure aggregation
 * (Bonawitz et al., CCS 2017), which only ever reveals sums.
 *
 * <p><b>Clipping.</b> The {@link FixedPointCodec} that encodes these vectors clips every
 * coordinate, the weight included: its clip must cover {@code w} and every {@code w·x_i}, or
 * the clipped values silently bias the mean. Normalise weights to a known range first (for
 * example examples / an agreed maximum count, so {@code w ≤ 1}) and pick the clip accordingly;
 * pick {@code maxSites} and the modulus so that the sum of weights cannot overflow either.
 *
 * <p><b>Accuracy.</b> Weights that are multiples of {@code 1/scale} are encoded exactly, so the
 * decoded total weight is exact and only {@code Σw·x} carries rounding error (below
 * {@code sites/scale} per coordinate, divided by {@code Σw} in the mean).
 */
public final class WeightedVectors {

    private WeightedVectors() {
    }

    /**
     * @param weight the site's weight, finite and &ge; 0
     * @param x the site's vector; not modified
     * @return {@code [weight, weight·x_0, …, weight·x_(m-1)]}, of length {@code 1 + x.length}
     * @throws IllegalArgumentException if the weight is negative, NaN or infinite
     */
    public static double[] weighted(double weight, double[] x) {
        Objects.requireNonNull(x, "x");
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight must be finite and >= 0");
        }
        double[] out = new double[1 + x.length];
        out[0] = weight;
        for (int i = 0; i < x.length; i++) {
            out[i + 1] = weight * x[i];
        }
        return out;
    }

    /**
     * @param decodedSum the decoded aggregate {@code [Σw, Σw·x_0, …]}
     * @return {@code Σw·x / Σw}, of length {@code decodedSum.length - 1}
     * @throws IllegalArgumentException if the array is empty or the total weight is not positive
     *     (no site contributed any weight, so there is nothing to average)
     */
    public static double[] average(double[] decodedSum) {
        Objects.requireNonNull(decodedSum, "decodedSum");
        if (decodedSum.length == 0) {
            throw new IllegalArgumentException(
                    "decoded sum is empty; expected [total weight, weighted sums...]");
        }
        double total = decodedSum[0];
        if (!(total > 0)) {
            throw new IllegalArgumentException("total weight is not positive, so there is nothing"
                    + " to average (did every site contribute weight 0?)");
        }
        double[] mean = new double[decodedSum.length - 1];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = decodedSum[i + 1] / total;
        }
        return mean;
    }
}
