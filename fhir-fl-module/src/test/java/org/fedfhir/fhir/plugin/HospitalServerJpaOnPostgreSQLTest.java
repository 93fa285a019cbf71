package org.fedfhir.fhir.plugin;

import java.nio.file.Path;
import org.fedfhir.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link HospitalServerJpaTest}'s tests against the hospital server on PostgreSQL (HAPI's
 * PostgreSQL dialect, a role that is not a superuser) instead of H2: its own Spring context.
 */
class HospitalServerJpaOnPostgreSQLTest extends HospitalServerJpaTest {
  private static TestDatabase.Location database;

  @BeforeAll
  static void createDatabase(@TempDir Path dir) {
    database = TestDatabase.POSTGRESQL.fresh(dir, "hospital"); // skipped, saying what to install, without PostgreSQL
  }

  @DynamicPropertySource
  static void onPostgreSQL(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> database.db());
    registry.add("spring.datasource.username", () -> database.user());
    registry.add("spring.datasource.password", () -> database.password());
    registry.add("spring.datasource.driver-class-name", () -> "org.postgresql.Driver");
  }
}
