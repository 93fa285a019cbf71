package org.fedfhir.federation;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a site has contributed to each study, across its sessions: per study (the hex SHA-256 of
 * its definition, so a new version or changed content starts afresh) and contribution (a phase,
 * and the announced model for a phase whose payload depends on one), the sites among which that
 * contribution was masked, and whether their sum may have been unmasked.
 *
 * <p>A {@link SiteSession} reads it before it contributes and refuses a round that would put the
 * same contribution in a sum among other sites: the aggregator could subtract one sum from the
 * other and learn the contributions of the sites in one set and not the other. The hospital keeps
 * it in its own database so that it outlives the session; a session given none keeps its own in
 * memory ({@link #inMemory()}), which protects that session only.
 *
 * <p>It holds site names and digests only: never a contribution, a key or a share.
 */
public interface ContributionLedger {

  /**
   * The sites among which the site masked a contribution; {@code unmasked} once the site signed
   * them as the round's survivors, the set whose sum the aggregator can then unmask.
   */
  record Entry(SortedSet<String> sites, boolean unmasked) {
    public Entry {
      sites = Collections.unmodifiableSortedSet(new TreeSet<>(sites));
    }

    /** Which of this entry and a later one of the same contribution stands: the unmasked one, else the later. */
    public Entry supersededBy(Entry later) {
      return unmasked && !later.unmasked ? this : later;
    }
  }

  /**
   * What the site recorded of each contribution to {@code study}: the entry whose sum was unmasked
   * if there is one, else the last one recorded.
   */
  Map<String, Entry> entries(String study);

  /**
   * Records {@code entry} for each of {@code contributions} to {@code study}; an unmasked entry
   * supersedes one not yet unmasked, never the other way round.
   */
  void record(String study, Collection<String> contributions, Entry entry);

  /** A ledger held in memory: a session's own when the site gives it none, and the tests'. */
  static ContributionLedger inMemory() {
    return new ContributionLedger() {
      private final Map<String, Map<String, Entry>> studies = new HashMap<>();

      @Override
      public synchronized Map<String, Entry> entries(String study) {
        return Map.copyOf(studies.getOrDefault(study, Map.of()));
      }

      @Override
      public synchronized void record(String study, Collection<String> contributions, Entry entry) {
        Map<String, Entry> entries = studies.computeIfAbsent(study, s -> new HashMap<>());
        contributions.forEach(c -> entries.merge(c, entry, Entry::supersededBy));
      }
    };
  }
}
