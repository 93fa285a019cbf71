/**
 * Fixed-point encoding of real-valued vectors (model updates, statistics) into integers modulo
 * 2^k, the domain in which secure aggregation adds masked vectors (Bonawitz et al., "Practical
 * Secure Aggregation for Privacy-Preserving Machine Learning", CCS 2017, section 3: inputs are
 * vectors in Z_R^m).
 *
 * <p>This package owns: clipping, scaling, unbiased stochastic rounding and the overflow rule
 * ({@link org.fedfhir.securecompute.encoding.FixedPointCodec}), and the weighted-average
 * convention by which sites contribute {@code [w, w·x]} so the aggregator learns only totals
 * ({@link org.fedfhir.securecompute.encoding.WeightedVectors}). It knows nothing of masks,
 * sites or rounds.
 */
package org.fedfhir.securecompute.encoding;
