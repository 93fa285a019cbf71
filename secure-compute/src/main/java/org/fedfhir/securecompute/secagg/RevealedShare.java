package org.fedfhir.securecompute.secagg;

/**
 * One share a surviving site reveals to the aggregator in the unmask stage: of the self-mask seed
 * of a site that sent its masked input, or of the masking key of a site that dropped out before —
 * never both for one site.
 */
public record RevealedShare(int owner, Kind kind, byte[] share) {

  /** Which secret the share belongs to. */
  public enum Kind {
    /** a share of b_u, the self-mask seed of a surviving site */
    SELF_MASK_SEED,
    /** a share of s_u^SK, the masking key of a site that dropped out */
    MASKING_KEY
  }

  public RevealedShare {
    share = share.clone();
  }

  @Override
  public byte[] share() {
    return share.clone();
  }

  @Override
  public String toString() {
    return "RevealedShare[owner " + owner + ", " + kind + "]";
  }
}
