package org.fedfhir.aggregator.statistics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.securecompute.statistics.PrivacyLedger;

/** A {@link ReleaseStore} in memory (the aggregator's releases live as long as its process). */
public final class InMemoryReleaseStore implements ReleaseStore {

  private final Map<StudyRef, List<StoredRelease>> releases = new HashMap<>();
  private final Map<StudyRef, PrivacyLedger> ledgers = new HashMap<>();

  @Override
  public synchronized void record(StoredRelease release) {
    releases.computeIfAbsent(release.study(), s -> new ArrayList<>()).add(release);
  }

  @Override
  public synchronized List<StoredRelease> releases(StudyRef study) {
    return List.copyOf(releases.getOrDefault(study, List.of()));
  }

  @Override
  public synchronized PrivacyLedger ledger(StudyRef study, double budget) {
    return ledgers.computeIfAbsent(study, s -> new PrivacyLedger(s.toString(), budget));
  }
}
