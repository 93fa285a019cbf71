package org.fedfhir.securecompute.statistics;

/**
 * A differentially private release was refused because the study's ε budget cannot pay for it
 * ({@link PrivacyLedger#charge}). Nothing was computed or released; the caller may report the
 * refusal to the researcher as is (the message holds only names and ε values).
 */
public final class PrivacyBudgetExhaustedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message the study, the statistic, the ε asked for and the ε left */
  public PrivacyBudgetExhaustedException(String message) {
    super(message);
  }
}
