package org.fedfhir.fhir.cds;

/**
 * A CDS Hooks call's JWT was refused (answered 401, no card). {@link #reason()} says which check
 * failed; the message names the issuer or claim, never the token.
 */
public final class EhrTokenRefused extends Exception {
  private static final long serialVersionUID = 1L;

  /** One value per failure mode. */
  public enum Reason {
    /** No {@code Authorization: Bearer} header. */
    MISSING,
    /** Not a signed JWT (unsigned, or not parseable). */
    MALFORMED,
    /** Its {@code iss} is not an EHR this site trusts. */
    UNKNOWN_ISSUER,
    /** The signature does not verify with the EHR's keys, or its algorithm is not RS384/ES384. */
    BAD_SIGNATURE,
    /** {@code aud}, {@code exp}, {@code iat} or {@code jti} is missing or wrong. */
    BAD_CLAIMS,
    /** Its {@code jti} was seen before. */
    REPLAYED
  }

  private final Reason reason;

  public EhrTokenRefused(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
