package org.fedfhir.aggregator.statistics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.securecompute.statistics.PrivacyLedger;

/**
 * A {@link ReleaseStore} in memory, for tests: the releases, ledgers and definitions live as long
 * as the process (the aggregator uses the JPA store).
 */
public final class InMemoryReleaseStore implements ReleaseStore {

  private final Map<StudyRef, List<StoredRelease>> releases = new HashMap<>();
  private final Map<StudyRef, PrivacyLedger> ledgers = new HashMap<>();
  private final Map<String, StoredDefinition> definitions = new LinkedHashMap<>();

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
    PrivacyLedger ledger = ledgers.get(study);
    if (ledger == null || Math.max(budget, ledger.spent()) < ledger.budget()) {
      ledger = ReleaseStore.restore(study, budget, ledger == null ? List.of() : ledger.entries());
      ledgers.put(study, ledger);
    }
    return ledger;
  }

  @Override
  public synchronized void recordDefinition(StoredDefinition definition) {
    definitions.put(definition.id(), definition);
  }

  @Override
  public synchronized void removeDefinition(String id) {
    definitions.remove(id);
  }

  @Override
  public synchronized List<StoredDefinition> definitions() {
    return List.copyOf(definitions.values());
  }
}
