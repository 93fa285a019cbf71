/**
 * Sealing data to a trusted execution environment (TEE) and back, with HPKE (RFC 9180, "Hybrid
 * Public Key Encryption") from Bouncy Castle in base mode with the single fixed suite
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.
 *
 * <p>This package owns: the enclave's and a caller's one-time {@link
 * org.fedfhir.securecompute.sealing.SealingKeyPair key pairs}, the {@link
 * org.fedfhir.securecompute.sealing.SealingContext associated data} every sealed message is bound
 * to (purpose, study, model digest, request id), the {@link
 * org.fedfhir.securecompute.sealing.SealedEnvelope fixed binary envelope} that travels (no Java
 * serialisation), and {@link org.fedfhir.securecompute.sealing.Hpke} to seal and open. It knows
 * nothing of FHIR, HAPI or models: it moves bytes.
 */
package org.fedfhir.securecompute.sealing;
