package org.fedfhir.securecompute.attestation;

/**
 * The nonce was already used for a verification: each nonce counts once, so a recorded exchange\n * cannot be replayed.
 */
public final class ReplayedNonceException extends AttestationException {
  private static final long serialVersionUID = 1L;

  public ReplayedNonceException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "replayed-nonce";
  }
}
