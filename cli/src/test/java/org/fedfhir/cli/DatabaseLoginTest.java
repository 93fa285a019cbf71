package org.fedfhir.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How the hospital and the aggregator log in to PostgreSQL: a user, a password from a file, never argv. */
class DatabaseLoginTest {

  @TempDir
  Path dir;

  static DatabaseLogin login(String... args) {
    return (DatabaseLogin) new CommandLine(new FedFhir()).parseArgs(args).subcommand().commandSpec().mixins()
        .get("login").userObject();
  }

  @Test
  void theAggregatorAndTheHospitalReadTheUserAndThePasswordFile() throws Exception {
    Path secret = Files.writeString(dir.resolve("db-password"), "s3cret\n");
    for (String[] args : new String[][] {
        {"aggregator", "--db", "jdbc:postgresql://db/aggregator", "--db-user", "fedfhir", "--db-password-file",
            secret.toString()},
        {"hospital", "--name", "x", "--db", "jdbc:postgresql://db/x", "--db-user", "fedfhir", "--db-password-file",
            secret.toString()}}) {
      DatabaseLogin login = login(args);
      assertThat(login.user()).isEqualTo("fedfhir");
      assertThat(login.password()).as("the file's content, without its line end").isEqualTo("s3cret");
    }
  }

  @Test
  void aPasswordIsNeverAnArgumentAndAnUnreadableFileIsNamed() {
    assertThatThrownBy(() -> login("aggregator", "--db-password", "s3cret"))
        .isInstanceOf(CommandLine.UnmatchedArgumentException.class).hasMessageContaining("--db-password");
    DatabaseLogin missing = login("aggregator", "--db-password-file", dir.resolve("none").toString());
    assertThatThrownBy(missing::password).hasMessageContaining(dir.resolve("none").toString());
  }
}
