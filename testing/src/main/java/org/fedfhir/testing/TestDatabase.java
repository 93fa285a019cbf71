package org.fedfhir.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the persistence and restart tests run on: a test takes one as a parameter
 * ({@code @ParameterizedTest @EnumSource(TestDatabase.class)}) and asks it for a fresh database.
 */
public enum TestDatabase {
  /** An H2 file, the default database of the hospital and the aggregator. */
  H2,
  /** A database on this JVM's {@link ThrowawayPostgres}; skipped, saying what to install, without one. */
  POSTGRESQL;

  /**
   * A fresh, empty database, as the {@code --db} option takes it: an H2 file path {@code dir/name},
   * or a PostgreSQL JDBC URL (named after {@code name}) with its user and password.
   *
   * @throws org.opentest4j.TestAbortedException (a JUnit assumption) if PostgreSQL is not installed
   */
  public Location fresh(Path dir, String name) {
    if (this == H2) {
      return new Location(dir.resolve(name).toAbsolutePath().toString(), null, null);
    }
    ThrowawayPostgres.unavailable().ifPresent(reason -> Assumptions.abort("PostgreSQL tests skipped: " + reason));
    ThrowawayPostgres.Database db = ThrowawayPostgres.shared().createDatabase(name);
    return new Location(db.jdbcUrl(), db.user(), db.password());
  }

  /**
   * Where a database is.
   *
   * @param db an H2 file path or a JDBC URL
   * @param user the database user, or null (H2)
   * @param password the user's password, or null (H2)
   */
  public record Location(String db, String user, String password) {
    @Override
    public String toString() {
      return user == null ? db : db + " as " + user;
    }
  }
}
