package org.fedfhir.aggregator.store.jpa;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fedfhir.aggregator.statistics.ReleaseStore;
import org.fedfhir.aggregator.store.StoreException;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.securecompute.statistics.PrivacyLedger;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@link ReleaseStore} on JPA, in the aggregator's database beside its studies and rounds.
 *
 * <p>A study's ledger is loaded once from its kept charges and then held in memory: the
 * coordinator charges it before computing a release, and {@link #record} writes the release and
 * the charges made since the last record in one transaction; only then is the release answered.
 * So a restarted aggregator has spent at least every ε of every release a researcher got. Each
 * method is one transaction (on H2 with {@code WRITE_DELAY=0}, on disk when it returns); the
 * in-memory count of kept charges moves only after a commit.
 */
public class JpaReleaseStore implements ReleaseStore {

  private final Repositories.Releases releases;
  private final Repositories.Ledgers ledgers;
  private final Repositories.Charges charges;
  private final Repositories.Definitions definitions;
  private final TransactionTemplate tx;
  private final Map<StudyRef, Held> held = new HashMap<>();

  /** A ledger handed out and how many of its charges (the first ones) are kept. */
  private static final class Held {
    PrivacyLedger ledger;
    int kept;

    Held(PrivacyLedger ledger, int kept) {
      this.ledger = ledger;
      this.kept = kept;
    }
  }

  JpaReleaseStore(Repositories.Releases releases, Repositories.Ledgers ledgers, Repositories.Charges charges,
      Repositories.Definitions definitions, PlatformTransactionManager transactions) {
    this.releases = releases;
    this.ledgers = ledgers;
    this.charges = charges;
    this.definitions = definitions;
    this.tx = new TransactionTemplate(transactions);
  }

  @Override
  public synchronized void record(StoredRelease release) {
    Held h = held.get(release.study());
    List<PrivacyLedger.Entry> entries = h == null ? List.of() : h.ledger.entries();
    int from = h == null ? 0 : h.kept;
    tx.executeWithoutResult(status -> {
      long id = releases.save(new ReleaseEntity(release)).id;
      if (from < entries.size()) {
        LedgerEntity ledger = ledgers.findByUrlAndVersion(release.study().url(), release.study().version())
            .orElseThrow(() -> new StoreException("the ε ledger of " + release.study() + " is missing"));
        for (int i = from; i < entries.size(); i++) {
          charges.save(new ChargeEntity(ledger.id, i, entries.get(i), id));
        }
      }
    });
    if (h != null) {
      h.kept = entries.size();
    }
  }

  @Override
  public List<StoredRelease> releases(StudyRef study) {
    return tx.execute(status -> releases.findByUrlAndVersionOrderById(study.url(), study.version()).stream()
        .map(ReleaseEntity::toRecord).toList());
  }

  @Override
  public synchronized PrivacyLedger ledger(StudyRef study, double budget) {
    Held h = held.get(study);
    if (h != null && Math.max(budget, h.ledger.spent()) >= h.ledger.budget()) {
      return h.ledger;
    }
    PrivacyLedger restored = tx.execute(status -> {
      LedgerEntity ledger = ledgers.findByUrlAndVersion(study.url(), study.version())
          .orElseGet(() -> ledgers.save(new LedgerEntity(study.url(), study.version(), budget)));
      List<PrivacyLedger.Entry> entries = h != null ? h.ledger.entries()
          : charges.findByLedgerIdOrderByPosition(ledger.id).stream().map(ChargeEntity::toEntry).toList();
      PrivacyLedger l = ReleaseStore.restore(study, Math.min(budget, ledger.budget), entries);
      ledger.budget = l.budget();
      return l;
    });
    if (h != null) {
      h.ledger = restored;
    } else {
      held.put(study, new Held(restored, restored.entries().size()));
    }
    return restored;
  }

  @Override
  public void recordDefinition(StoredDefinition definition) {
    tx.executeWithoutResult(status -> definitions.findByLogicalId(definition.id()).ifPresentOrElse(
        d -> d.set(definition), () -> definitions.save(new DefinitionEntity(definition))));
  }

  @Override
  public void removeDefinition(String id) {
    tx.executeWithoutResult(status -> definitions.findByLogicalId(id).ifPresent(definitions::delete));
  }

  @Override
  public List<StoredDefinition> definitions() {
    return tx.execute(status -> definitions.findAllByOrderById().stream().map(DefinitionEntity::toRecord).toList());
  }
}
