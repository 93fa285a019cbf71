package org.fedfhir.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for a benchmark: {@code initdb} into a temporary directory, {@code pg_ctl
 * start} on a loopback port with trust authentication, {@code pg_ctl stop} and the directory removed on
 * {@link #close}. It uses Debian's server binaries ({@code /usr/lib/postgresql/15/bin}, package
 * {@code postgresql-15}) and runs them as the {@code postgres} user when we are root (PostgreSQL refuses
 * to run as root).
 */
final class LocalPostgres implements AutoCloseable {
  static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

  private final Path dir;
  private final int port;

  private LocalPostgres(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts a server on {@code port} of 127.0.0.1 with an empty database {@code fedfhir}. */
  static LocalPostgres start(int port) throws IOException, InterruptedException {
    if (!Files.isExecutable(BIN.resolve("initdb"))) {
      throw new IllegalStateException(BIN + "/initdb not found: install PostgreSQL 15's server "
          + "(apt-get install postgresql-15) or give a server with --jdbc-url");
    }
    Path dir = Files.createTempDirectory("fedfhir-bench-pg");
    LocalPostgres pg = new LocalPostgres(dir, port);
    if (isRoot()) {
      run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
    }
    pg.runAsOwner(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
        "--auth=trust", "--encoding=UTF8", "--no-sync"));
    pg.runAsOwner(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "120",
        "-l", dir.resolve("server.log").toString(), "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off",
        "start"));
    pg.runAsOwner(List.of(BIN.resolve("createdb").toString(),
        "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres", "fedfhir"));
    return pg;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/fedfhir";
  }

  String user() {
    return "postgres";
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      runAsOwner(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
          "-m", "fast", "stop"));
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private void runAsOwner(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    run(full);
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(command.get(0) + " did not finish within 180 s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + new String(out).strip());
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
