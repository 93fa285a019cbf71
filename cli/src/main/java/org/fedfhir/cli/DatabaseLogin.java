package org.fedfhir.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How a server logs in to a database server such as PostgreSQL (picocli mixin of {@code hospital} and
 * {@code aggregator}): the user, and the password from a file or the environment, never from argv.
 */
public final class DatabaseLogin {
  /** The environment variable holding the password when no file is given. */
  public static final String PASSWORD_VARIABLE = "FEDFHIR_DB_PASSWORD";

  @Option(names = "--db-user", paramLabel = "USER", description = "Database user (PostgreSQL).")
  String user;

  @Option(names = "--db-password-file", paramLabel = "FILE",
      description = "File holding the database password (PostgreSQL); or env " + PASSWORD_VARIABLE
          + ". Never on argv.")
  Path passwordFile;

  /** The user, or null when none was given. */
  public String user() {
    return user;
  }

  /** The password: the file's first line, else the environment's, else null. */
  public String password() {
    if (passwordFile == null) {
      return System.getenv(PASSWORD_VARIABLE);
    }
    try {
      return Files.readString(passwordFile).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the database password from " + passwordFile, e);
    }
  }
}
