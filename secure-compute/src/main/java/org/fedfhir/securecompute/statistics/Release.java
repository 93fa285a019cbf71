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
   * before anything is computed, and the noise is where {@link #noise()} says.
   *
   * @param ledger the study's ε ledger
   * @param epsilon ε spent on this statistic, &gt; 0
   * @param noise who adds the noise
   */
  public record Privacy(PrivacyLedger ledger, double epsilon, Noise noise) {
    /** Validates ε and the references. */
    public Privacy {
      Objects.requireNonNull(ledger, "ledger");
      Objects.requireNonNull(noise, "noise");
      if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
        throw new IllegalArgumentException("epsilon " + epsilon + " must be finite and > 0");
      }
    }

    /** @return δ of the (ε, δ) guarantee: 0 for the aggregator's discrete Laplace */
    public double delta() {
      return noise instanceof Noise.AtSites s ? s.delta() : 0;
    }

    /** @return the source of the noise the combiner adds itself; empty when the sites added it */
    public Optional<SecureRandom> centralNoise() {
      return noise instanceof Noise.AtAggregator a ? Optional.of(a.random()) : Optional.empty();
    }
  }

  /** Where a release's differential-privacy noise is added. */
  public sealed interface Noise {

    /**
     * By the combiner, after unmasking (discrete Laplace, pure ε-DP): whoever unmasks the sum
     * sees it exact. For sums computed in one place (the command line's local statistics).
     *
     * @param random the noise source, a {@link SecureRandom}, never {@code java.util.Random}
     */
    record AtAggregator(SecureRandom random) implements Noise {
      public AtAggregator {
        Objects.requireNonNull(random, "random");
      }
    }

    /**
     * At the sites, before masking ({@code privacy.SiteNoise}, the distributed discrete
     * Gaussian): the sum is already private when unmasked, (ε, δ)-DP; the combiner adds none.
     *
     * @param delta δ in (0, 1)
     */
    record AtSites(double delta) implements Noise {
      public AtSites {
        if (!(delta > 0 && delta < 1)) {
          throw new IllegalArgumentException("delta " + delta + " must be in (0, 1)");
        }
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

  /** @return this release with differential-privacy noise of budget {@code epsilon}, added by the combiner */
  public Release withPrivacy(PrivacyLedger ledger, double epsilon, SecureRandom random) {
    return new Release(policy, sites, Optional.of(new Privacy(ledger, epsilon, new Noise.AtAggregator(random))));
  }

  /**
   * @return this release with differential privacy of budget ({@code epsilon}, {@code delta})
   *     whose noise the sites added before masking: charged and reported, no noise added here
   */
  public Release withNoiseFromSites(PrivacyLedger ledger, double epsilon, double delta) {
    return new Release(policy, sites, Optional.of(new Privacy(ledger, epsilon, new Noise.AtSites(delta))));
  }

  /** Charges the ledger if differential privacy is on; call before computing anything. */
  Optional<Privacy> chargeFor(String statistic) {
    privacy.ifPresent(p -> p.ledger().charge(statistic, p.epsilon()));
    return privacy;
  }
}
