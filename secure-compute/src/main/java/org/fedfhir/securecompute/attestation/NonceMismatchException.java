package org.fedfhir.securecompute.attestation;

/**
 * The evidence answers another nonce than the one this verifier issued for the request (or the\n * nonce was never issued here): an old document replayed, or a confused client.
 */
public final class NonceMismatchException extends AttestationException {
  private static final long serialVersionUID = 1L;

  public NonceMismatchException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "nonce-mismatch";
  }
}
