package org.fedfhir.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server for tests and benchmarks, started from the machine's server binaries (Debian's
 * {@code postgresql} package: {@code /usr/lib/postgresql/N/bin}) in a temporary directory and
 * stopped, its directory deleted, when the JVM exits. One per JVM ({@link #shared()}); each test
 * class or store takes a database of its own ({@link #createDatabase(String)}).
 *
 * <p>The server listens on 127.0.0.1 only, on a free port, with its unix socket in its own directory;
 * it is tuned for throwaway data ({@code fsync=off}): a crash of the machine loses it, which is
 * what a test wants. Connections authenticate by SCRAM password as role {@value #ROLE}, which owns
 * the databases but is not a superuser, as an operator would set up the hospital's or aggregator's
 * role. When the JVM runs as root (CI) the server runs as the {@code postgres} OS user, since
 * PostgreSQL refuses to run as root.
 */
public final class ThrowawayPostgres {
  private static final Logger LOG = LoggerFactory.getLogger(ThrowawayPostgres.class);
  /** The role the databases belong to and that clients log in as. */
  public static final String ROLE = "fedfhir";
  private static final String SUPERUSER = "postgres";
  private static final Duration PROCESS_DEADLINE = Duration.ofSeconds(60);
  private static final int START_ATTEMPTS = 3;

  private static ThrowawayPostgres shared;

  /**
   * A database on the server, as a JDBC client reaches it.
   *
   * @param jdbcUrl {@code jdbc:postgresql://127.0.0.1:PORT/NAME}, without credentials
   * @param user the role to log in as
   * @param password its password
   */
  public record Database(String jdbcUrl, String user, String password) {
    /** The URL with the credentials as parameters, for a setting that takes only a URL. */
    public String jdbcUrlWithCredentials() {
      return jdbcUrl + "?user=" + user + "&password=" + password;
    }

    @Override
    public String toString() {
      return jdbcUrl + " as " + user;
    }
  }

  private final Path bin;
  private final Path dir;
  private final int port;
  private final String superuserPassword;
  private final String rolePassword;
  private final String version;
  private final AtomicInteger databases = new AtomicInteger();

  private ThrowawayPostgres(Path bin, Path dir, int port, String superuserPassword, String rolePassword)
      throws SQLException {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.superuserPassword = superuserPassword;
    this.rolePassword = rolePassword;
    try (Connection c = superuser(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + rolePassword + "'");
      try (ResultSet r = s.executeQuery("SHOW server_version")) {
        r.next();
        this.version = r.getString(1);
      }
    }
  }

  /**
   * Why no server can be started on this machine (binaries or the {@code postgres} user missing),
   * with what to install; empty if one can.
   */
  public static Optional<String> unavailable() {
    if (binaries().isEmpty()) {
      return Optional.of("the PostgreSQL server binaries (initdb, pg_ctl, postgres) are not in "
          + "/usr/lib/postgresql/*/bin nor on the PATH: apt-get install postgresql");
    }
    if (runsAsRoot() && postgresUser().isEmpty()) {
      return Optional.of("running as root, the PostgreSQL server must run as the OS user postgres, which does not "
          + "exist: apt-get install postgresql creates it");
    }
    return Optional.empty();
  }

  /**
   * The server of this JVM, started on first use and stopped at exit.
   *
   * @throws IllegalStateException if it cannot be started, saying why ({@link #unavailable()} or the
   *     server's log)
   */
  public static synchronized ThrowawayPostgres shared() {
    if (shared == null) {
      unavailable().ifPresent(reason -> {
        throw new IllegalStateException("cannot start PostgreSQL: " + reason);
      });
      shared = start(binaries().orElseThrow());
    }
    return shared;
  }

  /** The server's version as it reports it, e.g. {@code 15.14 (Debian 15.14-0+deb12u1)}. */
  public String version() {
    return version;
  }

  /** The TCP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /**
   * Creates an empty database owned by {@link #ROLE}, named {@code prefix} (lower-cased, other than
   * letters, digits and {@code _} replaced by {@code _}) and a number unique on this server.
   */
  public Database createDatabase(String prefix) {
    String name = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_" + databases.incrementAndGet();
    try (Connection c = superuser(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + " OWNER " + ROLE);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return new Database(url(name), ROLE, rolePassword);
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private Connection superuser() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", SUPERUSER);
    p.setProperty("password", superuserPassword);
    return DriverManager.getConnection(url("postgres"), p);
  }

  private static ThrowawayPostgres start(Path bin) {
    long began = System.nanoTime();
    Path dir;
    try {
      dir = Files.createTempDirectory("fedfhir-pg-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a directory for PostgreSQL", e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(bin, dir), "throwaway-postgres-stop"));
    HexFormat hex = HexFormat.of();
    SecureRandom random = new SecureRandom();
    byte[] secret = new byte[16];
    random.nextBytes(secret);
    String superuserPassword = hex.formatHex(secret);
    random.nextBytes(secret);
    String rolePassword = hex.formatHex(secret);
    try {
      Path passwordFile = dir.resolve("superuser-password");
      Files.writeString(passwordFile, superuserPassword + "\n");
      giveToPostgres(dir);
      giveToPostgres(passwordFile);
      Path data = dir.resolve("data");
      run(bin, dir, "initdb", "-D", data.toString(), "-U", SUPERUSER, "-A", "scram-sha-256",
          "--pwfile=" + passwordFile, "-E", "UTF8", "--locale=C", "--no-sync");
      Files.delete(passwordFile);
      IllegalStateException failure = null;
      for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
        int port = freePort();
        Files.writeString(data.resolve("postgresql.auto.conf"), String.join("\n",
            "port = " + port,
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = '" + dir + "'",
            "fsync = off", "synchronous_commit = off", "full_page_writes = off",
            "max_connections = 200", "shared_buffers = 32MB", ""), StandardOpenOption.TRUNCATE_EXISTING);
        try {
          run(bin, dir, "pg_ctl", "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
              "-w", "-t", String.valueOf(PROCESS_DEADLINE.toSeconds()), "start");
        } catch (IllegalStateException e) {
          failure = e; // most likely another process took the port in the meantime: try another
          continue;
        }
        ThrowawayPostgres server = new ThrowawayPostgres(bin, dir, port, superuserPassword, rolePassword);
        LOG.info("PostgreSQL {} started on 127.0.0.1:{} in {} ms (data in {}, removed at exit)", server.version,
            port, (System.nanoTime() - began) / 1_000_000, data);
        return server;
      }
      throw failure;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up PostgreSQL in " + dir, e);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL started but does not answer: " + e.getMessage(), e);
    }
  }

  private static void stop(Path bin, Path dir) {
    Path data = dir.resolve("data");
    if (Files.exists(data.resolve("postmaster.pid"))) {
      try {
        run(bin, dir, "pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "-t", "30", "stop");
      } catch (RuntimeException e) {
        System.err.println("could not stop the test PostgreSQL in " + dir + ": " + e.getMessage());
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not remove " + dir + ": " + e.getMessage());
    }
  }

  /** Runs a server binary (as postgres when we are root) and waits for it, with a deadline. */
  private static void run(Path bin, Path dir, String program, String... args) {
    List<String> command = new ArrayList<>();
    if (runsAsRoot()) {
      command.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    Path output = dir.resolve(program + ".out");
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      if (!p.waitFor(PROCESS_DEADLINE.toSeconds() + 5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(program + " did not finish within " + PROCESS_DEADLINE + tail(output));
      }
      if (p.exitValue() != 0) {
        Path log = dir.resolve("server.log");
        throw new IllegalStateException(program + " failed (exit " + p.exitValue() + ")" + tail(output)
            + (Files.exists(log) ? tail(log) : ""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + program, e);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return ":\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void giveToPostgres(Path file) throws IOException {
    if (runsAsRoot()) {
      Files.setOwner(file, postgresUser().orElseThrow());
    }
  }

  private static boolean runsAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static Optional<UserPrincipal> postgresUser() {
    try {
      return Optional.of(FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(SUPERUSER));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The newest {@code /usr/lib/postgresql/N/bin} (Debian), else the directory of {@code initdb} on the PATH. */
  static Optional<Path> binaries() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      Optional<Path> debian = versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparingInt(b -> versionNumber(b.getParent().getFileName().toString())));
      if (debian.isPresent()) {
        return debian;
      }
    } catch (IOException e) {
      // not Debian's layout: look on the PATH
    }
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .filter(p -> !p.isEmpty()).map(Path::of)
        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
        .findFirst();
  }

  private static int versionNumber(String name) {
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
