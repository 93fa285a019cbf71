/**
 * Remote attestation of the TEE model service: what evidence is ({@link
 * org.fedfhir.securecompute.attestation.AttestationEvidence}), what a site or the aggregator
 * trusts ({@link org.fedfhir.securecompute.attestation.AttestationPolicy}: trusted measurements,
 * maximum age, accepted formats and roots), and the {@link
 * org.fedfhir.securecompute.attestation.AttestationVerifier} that checks evidence against a policy
 * and a one-time nonce before any secret is sealed to the enclave's HPKE key.
 *
 * <p>Two evidence formats:
 * <ul>
 *   <li>{@code aws-nitro-enclaves}: AWS Nitro Enclaves attestation documents (AWS, "Nitro Enclaves
 *       User Guide: Verifying the root of trust"): a CBOR COSE_Sign1 structure (RFC 9052 §4.2)
 *       signed with ECDSA P-384 / SHA-384 by a leaf certificate chained through the document's
 *       {@code cabundle} to a configured root, carrying PCRs, {@code nonce}, {@code public_key},
 *       {@code user_data} and {@code timestamp}; verified for real;</li>
 *   <li>{@code simulated}: the same COSE_Sign1 shape signed with Ed25519 by a <em>software</em>
 *       platform key, for laptops and tests. It proves nothing about hardware; a policy accepts it
 *       only when it explicitly opts in.</li>
 * </ul>
 * Every failure is its own exception type (a subclass of {@link
 * org.fedfhir.securecompute.attestation.AttestationException}) so callers can report each clearly.
 * CBOR is read with Bouncy Castle's {@code org.bouncycastle.cbor} codec; there is no HAPI here.
 */
package org.fedfhir.securecompute.attestation;
