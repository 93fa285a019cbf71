package org.fedfhir.aggregator.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.fedfhir.aggregator.statistics.ReleaseStore.StoredDefinition;
import org.fedfhir.aggregator.statistics.ReleaseStore.StoredRelease;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.jpa.JpaReleaseStore;
import org.fedfhir.aggregator.testing.AggregatorDatabase;
import org.fedfhir.testing.TestDatabase;
import org.fedfhir.securecompute.statistics.PrivacyBudgetExhaustedException;
import org.fedfhir.securecompute.statistics.PrivacyLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release store contract against the JPA store, and what it keeps across a restart of the
 * aggregator's database: the ε spent, the releases, the definitions; on an H2 file and on PostgreSQL.
 */
@Tag("slow")
class JpaReleaseStoreTest {

  @Nested
  class OnH2 extends OnDatabase {
    @Override
    TestDatabase database() {
      return TestDatabase.H2;
    }
  }

  @Nested
  class OnPostgreSQL extends OnDatabase {
    @Override
    TestDatabase database() {
      return TestDatabase.POSTGRESQL;
    }

    @Test
    void replacedAndRemovedDefinitionsLeaveNoLargeObjectBehind() throws SQLException {
      StudyRef study = newStudy();
      String json = "{\"resourceType\":\"PlanDefinition\",\"title\":\"" + "x".repeat(10_000) + "\"}";
      store().recordDefinition(new StoredDefinition("lob-check", study, json));
      store().recordDefinition(new StoredDefinition("lob-check", study, json.replace('x', 'y')));
      store().removeDefinition("lob-check");

      // a text kept as a large object (an oid column) outlives its row: PostgreSQL does not delete it
      try (Connection c = DriverManager.getConnection(location.db(), location.user(), location.password());
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT count(*) FROM pg_largeobject_metadata")) {
        r.next();
        assertThat(r.getLong(1)).isZero();
      }
    }
  }

  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  abstract static class OnDatabase extends ReleaseStoreContract {
    /** The database the contract runs on. */
    private AggregatorDatabase contract;
    TestDatabase.Location location;

    @TempDir
    Path dir;

    abstract TestDatabase database();

    @BeforeAll
    void open(@TempDir Path shared) {
      location = database().fresh(shared, "contract");
      contract = AggregatorDatabase.open(location);
    }

    @AfterAll
    void close() {
      if (contract != null) {
        contract.close();
      }
    }

    @Override
    ReleaseStore store() {
      return contract.releases();
    }

    @Test
    void theAggregatorUsesTheJpaStore() {
      assertThat(contract.releases()).isInstanceOf(JpaReleaseStore.class);
    }

    @Test
    void epsilonSpentBeforeARestartStaysSpentAndTheBudgetRefusesWhatItCannotPay() {
      StudyRef study = newStudy();
      TestDatabase.Location aggregator = database().fresh(dir, "aggregator");
      try (AggregatorDatabase before = AggregatorDatabase.open(aggregator)) {
        PrivacyLedger ledger = before.releases().ledger(study, 1.0);
        ledger.charge("cp-by-diagnosis", 0.25);
        ledger.charge("chol-by-sex", 0.25);
        before.releases().record(release(study, 1, Instant.parse("2025-03-01T10:00:00Z")));
        ledger.charge("cp-by-diagnosis", 0.25);
        before.releases().record(release(study, 2, Instant.parse("2025-03-01T11:00:00Z")));
      }

      try (AggregatorDatabase after = AggregatorDatabase.open(aggregator)) {
        PrivacyLedger ledger = after.releases().ledger(study, 1.0);

        assertThat(ledger.spent()).isCloseTo(0.75, within(1e-12));
        assertThat(ledger.entries()).containsExactly(new PrivacyLedger.Entry("cp-by-diagnosis", 0.25),
            new PrivacyLedger.Entry("chol-by-sex", 0.25), new PrivacyLedger.Entry("cp-by-diagnosis", 0.25));
        assertThatThrownBy(() -> ledger.charge("chol-by-sex", 0.5)).isInstanceOf(PrivacyBudgetExhaustedException.class);
        ledger.charge("chol-by-sex", 0.25);
        after.releases().record(release(study, 3, Instant.parse("2025-03-01T12:00:00Z")));
        assertThat(ledger.remaining()).isCloseTo(0, within(1e-12));
      }

      try (AggregatorDatabase again = AggregatorDatabase.open(aggregator)) {
        // republished with a larger budget: the study still has nothing left
        PrivacyLedger ledger = again.releases().ledger(study, 10.0);
        assertThat(ledger.budget()).isEqualTo(1.0);
        assertThat(ledger.remaining()).isCloseTo(0, within(1e-12));
        assertThat(ledger.entries()).hasSize(4);
        assertThatThrownBy(() -> ledger.charge("cp-by-diagnosis", 0.1)).isInstanceOf(PrivacyBudgetExhaustedException.class);
      }
    }

    @Test
    void aLowerBudgetAfterARestartStaysLowerAndKeepsTheSpentEpsilon() {
      StudyRef study = newStudy();
      TestDatabase.Location aggregator = database().fresh(dir, "aggregator");
      try (AggregatorDatabase before = AggregatorDatabase.open(aggregator)) {
        before.releases().ledger(study, 2.0).charge("cp-by-diagnosis", 0.5);
        before.releases().record(release(study, 1, Instant.parse("2025-03-01T10:00:00Z")));
        assertThat(before.releases().ledger(study, 1.0).remaining()).isCloseTo(0.5, within(1e-12));
      }

      try (AggregatorDatabase after = AggregatorDatabase.open(aggregator)) {
        PrivacyLedger ledger = after.releases().ledger(study, 2.0);
        assertThat(ledger.budget()).isEqualTo(1.0);
        assertThat(ledger.remaining()).isCloseTo(0.5, within(1e-12));
      }
    }

    @Test
    void releasesAndDefinitionsSurviveARestartOldestFirstAndAsRecorded() {
      StudyRef study = newStudy();
      List<StoredRelease> recorded = List.of(release(study, 1, Instant.parse("2025-03-01T10:00:00.123456Z")),
          release(study, 2, Instant.parse("2025-03-01T09:00:00Z")), release(study, 4, Instant.parse("2025-03-02T10:00:00Z")));
      StoredDefinition definition = new StoredDefinition("stats-hd", study,
          "{\"resourceType\":\"PlanDefinition\",\"id\":\"stats-hd\",\"title\":\"Cholesterol ≥ 240 – by sex\"}");
      TestDatabase.Location aggregator = database().fresh(dir, "aggregator");
      try (AggregatorDatabase before = AggregatorDatabase.open(aggregator)) {
        recorded.forEach(before.releases()::record);
        before.releases().recordDefinition(definition);
      }

      try (AggregatorDatabase after = AggregatorDatabase.open(aggregator)) {
        // recorded order, not the order of the (here out-of-order) release times
        assertThat(after.releases().releases(study)).containsExactlyElementsOf(recorded);
        assertThat(after.releases().releases(study)).extracting(StoredRelease::resultJson)
            .containsExactlyElementsOf(recorded.stream().map(StoredRelease::resultJson).toList());
        assertThat(after.releases().definitions()).containsExactly(definition);
      }
    }
  }
}
