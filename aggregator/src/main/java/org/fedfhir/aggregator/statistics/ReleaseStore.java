package org.fedfhir.aggregator.statistics;

import java.time.Instant;
import java.util.List;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.securecompute.statistics.PrivacyLedger;

/**
 * What the aggregator keeps of a statistics study: the released results (the FHIR answer, already
 * under disclosure control) and the study's ε ledger. Never a sum before release, never a site's
 * figure (the aggregator never has one). Thread-safe.
 */
public interface ReleaseStore {

  /** One released result. */
  record StoredRelease(StudyRef study, int round, int sites, Instant at, String resultJson) {}

  /** Records a release. */
  void record(StoredRelease release);

  /** The study's releases, oldest first. */
  List<StoredRelease> releases(StudyRef study);

  /** The study's ε ledger with the given budget, created empty on first use. */
  PrivacyLedger ledger(StudyRef study, double budget);
}
