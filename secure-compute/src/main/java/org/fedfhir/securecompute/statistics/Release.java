package org.fedfhir.securecompute.statistics;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;

/**
 * How a combined statistic is released: the disclosure policy in force (the strictest of the
 * study's and the sites', {@link DisclosurePolicy#strictest}), the number of sites whose vectors
 * are in the sum (reported with the result), and optionally differential privacy.
 *
 * @param policy the disclosure policy
 * @param sites how many sites the sum covers, ≥ 1
 * @param privacy differential-privacy noise for this release, if any
 */
public record Release(DisclosurePolicy policy, int sites, Optional<Privacy> privacy) {

  /**
   * Differential privacy for one release: the statistic's ε is charged to the study's ledger
   * before anything is computed, and noise is drawn from {@code random} (a
   * {@link SecureRandom}, never {@code java.util.Random}).
   *
   * @param ledger the study's ε ledger
   * @param epsilon ε spent on this statistic, &gt; 0
   * @param random the noise source
   */
  public record Privacy(PrivacyLedger ledger, double epsilon, SecureRandom random) {
    /** Validates ε and the references. */
    public Privacy {
      Objects.requireNonNull(ledger, "ledger");
      Objects.requireNonNull(random, "random");
      if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
        throw new IllegalArgumentException("epsilon " + epsilon + " must be finite and > 0");
      }
    }
  }

  /** Validates the fields. */
  public Release {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(privacy, "privacy");
    if (sites < 1) {
      throw new IllegalArgumentException("sites " + sites + " must be >= 1");
    }
  }

  /** @return a release without differential privacy */
  public static Release of(DisclosurePolicy policy, int sites) {
    return new Release(policy, sites, Optional.empty());
  }

  /** @return this release with differential-privacy noise of budget {@code epsilon} */
  public Release withPrivacy(PrivacyLedger ledger, double epsilon, SecureRandom random) {
    return new Release(policy, sites, Optional.of(new Privacy(ledger, epsilon, random)));
  }

  /** Charges the ledger if differential privacy is on; call before computing anything. */
  Optional<Privacy> chargeFor(String statistic) {
    privacy.ifPresent(p -> p.ledger().charge(statistic, p.epsilon()));
    return privacy;
  }
}
