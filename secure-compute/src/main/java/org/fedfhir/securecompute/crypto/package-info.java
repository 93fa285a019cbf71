/**
 * Small, hard-to-misuse wrappers around Bouncy Castle's primitives, as the secure-aggregation
 * protocol needs them: X25519 key agreement, HKDF-SHA256, AES-GCM with associated data that binds
 * a message to its study, round, stage, sender and recipient, an AES-CTR pseudo-random generator
 * for masks, Ed25519 signatures, and {@link org.fedfhir.securecompute.crypto.SecretBytes}, the type
 * every secret travels in.
 *
 * <p>Security guarantees are stated on each type. Nothing here logs, prints or compares secrets in
 * variable time.
 */
package org.fedfhir.securecompute.crypto;
