package org.fedfhir.auth.directory;

/**
 * A backend client made by {@link AuthDirectory.Builder}: the private key for the caller to keep,
 * both as a JWK (with {@code kid}, JSON) and as a PKCS#8 PEM; the directory holds the public key only.
 */
public record GeneratedBackendClient(String clientId, String keyId, Secret privateJwk, Secret privateKeyPem) {}
