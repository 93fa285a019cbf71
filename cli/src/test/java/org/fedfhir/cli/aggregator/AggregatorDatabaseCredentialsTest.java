package org.fedfhir.cli.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./fedfhir aggregator --db-user … --db-password-file …}: the PostgreSQL password from a file, never argv. */
class AggregatorDatabaseCredentialsTest {

  private static final String POSTGRES = "jdbc:postgresql://aggregator-db:5432/aggregator";

  private static AggregatorCommand parsed(String... args) {
    AggregatorCommand command = new AggregatorCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void thePasswordComesFromTheFileWithoutItsLineEnd(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("aggregator-db-password"), "s3cret-from-file\n");

    Map<String, String> credentials = parsed("--db", POSTGRES, "--db-user", "fedfhir",
        "--db-password-file", file.toString()).databaseCredentials(Map.of("FEDFHIR_DB_PASSWORD", "from-env"));

    assertThat(credentials).containsExactlyInAnyOrderEntriesOf(Map.of(
        "spring.datasource.username", "fedfhir", "spring.datasource.password", "s3cret-from-file"));
  }

  @Test
  void withoutAFileThePasswordComesFromTheEnvironment() {
    Map<String, String> credentials = parsed("--db", POSTGRES, "--db-user", "fedfhir")
        .databaseCredentials(Map.of("FEDFHIR_DB_PASSWORD", "from-env"));

    assertThat(credentials).containsEntry("spring.datasource.password", "from-env");
  }

  @Test
  void theDefaultH2FileTakesNoCredentials() {
    assertThat(parsed().databaseCredentials(Map.of("FEDFHIR_DB_PASSWORD", "from-env"))).isEmpty();
  }

  @Test
  void anUnreadablePasswordFileIsRefusedNamingTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-password");
    AggregatorCommand command = new AggregatorCommand();
    CommandLine cli = new CommandLine(command);
    cli.parseArgs("--db", POSTGRES, "--db-password-file", missing.toString());

    assertThatThrownBy(() -> command.databaseCredentials(Map.of()))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--db-password-file").hasMessageContaining(missing.toString());
  }
}
