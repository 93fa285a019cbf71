package org.fedfhir.securecompute.secagg;

/**
 * The stages of one secure-aggregation round, in order, and the two terminal states. A state
 * machine's stage is the step it performs next; it may only move to {@link #next()} or to
 * {@link #ABORTED}.
 */
public enum Stage {
  ADVERTISE_KEYS("advertise-keys"),
  SHARE_KEYS("share-keys"),
  MASKED_INPUT("masked-input"),
  CONSISTENCY_CHECK("consistency-check"),
  UNMASK("unmask"),
  COMPLETED("completed"),
  ABORTED("aborted");

  private final String code;

  Stage(String code) {
    this.code = code;
  }

  /** The stage's name in bindings and on the wire. */
  public String code() {
    return code;
  }

  public boolean isTerminal() {
    return this == COMPLETED || this == ABORTED;
  }

  /** The stage that follows this one; terminal stages have none. */
  public Stage next() {
    if (isTerminal()) {
      throw new IllegalStateException(code + " is terminal");
    }
    return values()[ordinal() + 1];
  }
}
