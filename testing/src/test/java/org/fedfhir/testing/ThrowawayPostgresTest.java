package org.fedfhir.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The throwaway server: its databases are separate, owned by a role that is not a superuser, behind a password. */
@Tag("slow")
class ThrowawayPostgresTest {

  static ThrowawayPostgres server;

  @BeforeAll
  static void start(@TempDir java.nio.file.Path dir) {
    TestDatabase.POSTGRESQL.fresh(dir, "assume"); // skips, saying what to install, without PostgreSQL
    server = ThrowawayPostgres.shared();
  }

  static Connection connect(ThrowawayPostgres.Database db) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  @Test
  void oneServerPerJvmReportsItsVersionAndListensOnLoopback() {
    assertThat(ThrowawayPostgres.shared()).isSameAs(server);
    assertThat(server.version()).matches("\\d+\\.\\d+.*");
    assertThat(server.createDatabase("x").jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:" + server.port() + "/");
  }

  @Test
  void eachDatabaseIsEmptyAndSeparateAndItsRoleIsNoSuperuser() throws SQLException {
    ThrowawayPostgres.Database first = server.createDatabase("Hospital-A");
    ThrowawayPostgres.Database second = server.createDatabase("Hospital-A");
    assertThat(first.jdbcUrl()).isNotEqualTo(second.jdbcUrl()).contains("/hospital_a_");
    try (Connection c = connect(first); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE patient (id bigint PRIMARY KEY, name text)");
      s.execute("INSERT INTO patient VALUES (1, 'only here')");
      try (ResultSet r = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
        r.next();
        assertThat(r.getBoolean(1)).as("the role the servers use is no superuser").isFalse();
      }
    }
    try (Connection c = connect(second); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 'patient'")) {
      r.next();
      assertThat(r.getInt(1)).as("the other database does not see the table").isZero();
    }
  }

  @Test
  void aClientWithoutThePasswordIsRefused() {
    ThrowawayPostgres.Database db = server.createDatabase("guarded");
    assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), db.user(), "guess").close())
        .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), "postgres", "").close())
        .isInstanceOf(SQLException.class);
    assertThat(db.toString()).doesNotContain(db.password());
  }
}
