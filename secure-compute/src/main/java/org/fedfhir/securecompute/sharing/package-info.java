/**
 * Shamir t-of-n secret sharing of byte strings, as used by secure aggregation to share each
 * site's self-mask seed {@code b_u} and key {@code s_u} (Bonawitz et al., "Practical Secure
 * Aggregation for Privacy-Preserving Machine Learning", CCS 2017, section 4).
 *
 * <p>This package owns: the scheme ({@link org.fedfhir.securecompute.sharing.ShamirScheme}), the
 * share value and its wire encoding ({@link org.fedfhir.securecompute.sharing.Share}), and the
 * failure raised when too few shares are present
 * ({@link org.fedfhir.securecompute.sharing.NotEnoughSharesException}). It does not encrypt,
 * sign or route shares: that is the protocol's job ({@code secagg}, {@code crypto}).
 *
 * <p>The arithmetic is Bouncy Castle's byte-wise Shamir splitter over GF(2^8) with the AES
 * reduction polynomial, which computes field operations in constant time.
 */
package org.fedfhir.securecompute.sharing;
