package org.fedfhir.aggregator.statistics;

import java.time.Instant;
import java.util.List;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.securecompute.statistics.PrivacyLedger;

/**
 * What the aggregator keeps of a statistics study: the released results (the FHIR answer, already
 * under disclosure control), the study's ε ledger and its published PlanDefinition. Never a sum
 * before release, never a site's figure (the aggregator never has one). Thread-safe.
 *
 * <p>Security guarantee of a durable store: the ε of every release the researcher got is on disk.
 * Charges are made to the ledger that {@link #ledger} hands out (in memory, before anything is
 * computed) and become durable with the next {@link #record}, in the same transaction as the
 * release; a release is answered only once {@code record} has returned. A charge whose release
 * was never recorded (the run failed, the process died) spent nothing a researcher could see.
 */
public interface ReleaseStore {

  /** One released result. */
  record StoredRelease(StudyRef study, int round, int sites, Instant at, String resultJson) {}

  /** A statistics study's PlanDefinition (JSON) as published under its logical id. */
  record StoredDefinition(String id, StudyRef study, String json) {}

  /**
   * Records a release together with the charges made to the study's ledger (the one {@link #ledger}
   * returned) since the last record: when this returns both are kept; if it throws, neither is
   * (the charges stay in the ledger and go with the next release).
   */
  void record(StoredRelease release);

  /** The study's releases, oldest first. */
  List<StoredRelease> releases(StudyRef study);

  /**
   * The study's ε ledger, holding every charge kept for it (none on first use), the same object
   * for the same budget. Its budget is the smallest the study was ever asked for, but never less
   * than the ε already spent: a study asked for with another budget (republished under the same
   * url|version) never gets back ε it spent nor more than it was once allowed.
   */
  PrivacyLedger ledger(StudyRef study, double budget);

  /** Keeps a published statistics study's definition, replacing any kept under the same id. */
  void recordDefinition(StoredDefinition definition);

  /** Forgets the definition kept under {@code id} (another study was published under it), if any. */
  void removeDefinition(String id);

  /** The definitions kept, in the order first published. */
  List<StoredDefinition> definitions();

  /**
   * A ledger holding {@code entries} (oldest first) under {@code budget}, raised to what the
   * entries spent if they spent more (nothing is left then).
   */
  static PrivacyLedger restore(StudyRef study, double budget, List<PrivacyLedger.Entry> entries) {
    double spent = 0;
    for (PrivacyLedger.Entry e : entries) {
      spent += e.epsilon();
    }
    PrivacyLedger ledger = new PrivacyLedger(study.toString(), Math.max(budget, spent));
    entries.forEach(e -> ledger.charge(e.statistic(), e.epsilon()));
    return ledger;
  }
}
