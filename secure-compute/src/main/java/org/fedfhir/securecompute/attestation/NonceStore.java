package org.fedfhir.securecompute.attestation;

import java.time.Instant;

/**
 * Remembers the nonces a verifier issued and which were used, so each counts once.
 * Implementations must be thread-safe; {@link InMemoryNonceStore} is the default.
 */
public interface NonceStore {

  /** What {@link #consume} found. */
  enum Status {
    /** Issued, not expired, not used before: now marked used. */
    FRESH,
    /** Already consumed once. */
    ALREADY_USED,
    /** Issued but past its expiry. */
    EXPIRED,
    /** Never issued here (or forgotten long after expiry). */
    UNKNOWN
  }

  /** Records {@code nonce} as issued, valid until {@code expiresAt}. */
  void issue(byte[] nonce, Instant expiresAt);

  /** Marks {@code nonce} used and says what it was before; atomic. */
  Status consume(byte[] nonce, Instant now);
}
