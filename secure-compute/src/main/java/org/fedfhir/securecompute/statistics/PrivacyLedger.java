package org.fedfhir.securecompute.statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The ε budget of one study under sequential composition (Dwork et al., "Calibrating Noise to
 * Sensitivity in Private Data Analysis", TCC 2006): every differentially private release
 * charges its ε, and a release that would take the total past the budget is refused before
 * anything is computed. The entries say what was spent on which statistic; they hold no data.
 *
 * <p>Thread-safe. In-memory: the aggregator persists the entries with the study.
 */
public final class PrivacyLedger {

  /** One charge: which statistic, how much ε. */
  public record Entry(String statistic, double epsilon) {}

  private final String study;
  private final double budget;
  private final List<Entry> entries = new ArrayList<>();
  private double spent;

  /**
   * @param study the study's canonical URL
   * @param budget total ε the study may spend, finite and &gt; 0
   */
  public PrivacyLedger(String study, double budget) {
    this.study = Objects.requireNonNull(study, "study");
    if (!(budget > 0) || Double.isInfinite(budget)) {
      throw new IllegalArgumentException("budget " + budget + " must be finite and > 0");
    }
    this.budget = budget;
  }

  /** @return the study this ledger belongs to */
  public String study() {
    return study;
  }

  /** @return the total budget */
  public double budget() {
    return budget;
  }

  /** @return ε spent so far */
  public synchronized double spent() {
    return spent;
  }

  /** @return ε left */
  public synchronized double remaining() {
    return budget - spent;
  }

  /** @return the charges so far, oldest first */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /**
   * Records that {@code epsilon} is spent on {@code statistic}.
   *
   * @throws PrivacyBudgetExhaustedException if {@code spent + epsilon} exceeds the budget (by more
   *     than 1e-12, for sums of decimal fractions); nothing is recorded then
   */
  public synchronized void charge(String statistic, double epsilon) {
    Objects.requireNonNull(statistic, "statistic");
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon " + epsilon + " must be finite and > 0");
    }
    if (spent + epsilon > budget + 1e-12) {
      throw new PrivacyBudgetExhaustedException(String.format(Locale.ROOT,
          "study %s: %s needs epsilon %.4g but only %.4g of %.4g is left", study, statistic,
          epsilon, budget - spent, budget));
    }
    spent += epsilon;
    entries.add(new Entry(statistic, epsilon));
  }
}
