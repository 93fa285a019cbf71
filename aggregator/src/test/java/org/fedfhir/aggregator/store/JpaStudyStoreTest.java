package org.fedfhir.aggregator.store;

import java.nio.file.Path;
import org.fedfhir.aggregator.testing.AggregatorDatabase;
import org.fedfhir.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against the JPA store, opened as the aggregator opens it, on H2 and on PostgreSQL. */
@Tag("slow")
class JpaStudyStoreTest {

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
  }

  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  abstract static class OnDatabase extends StudyStoreContract {
    private AggregatorDatabase opened;

    abstract TestDatabase database();

    @BeforeAll
    void open(@TempDir Path dir) {
      opened = AggregatorDatabase.open(database().fresh(dir, "store-contract"));
    }

    @AfterAll
    void close() {
      if (opened != null) {
        opened.close();
      }
    }

    @Override
    StudyStore store() {
      return opened.studies();
    }
  }
}
