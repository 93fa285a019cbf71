package org.fedfhir.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A party in its own JVM: {@code java -cp <the CLI's classpath> org.fedfhir.cli.FedFhir <args>}, output
 * to a log file.
 */
final class ChildJvmNode implements Node {
  private final String name;
  private final Path log;
  private final Process process;

  private ChildJvmNode(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  static ChildJvmNode start(String name, List<String> args, Path log) {
    return start(name, List.of(), List.of(), args, log);
  }

  /**
   * As {@link #start(String, List, Path)}, the command run through {@code wrapper} (e.g. {@code ip netns exec NS},
   * which execs the JVM in the namespace: the process is the JVM itself) with {@code jvmOptions}.
   */
  static ChildJvmNode start(String name, List<String> wrapper, List<String> jvmOptions, List<String> args, Path log) {
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(command(System.getProperty("java.home"), System.getProperty("java.class.path"), jvmOptions, args));
    try {
      Files.createDirectories(log.getParent());
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
      return new ChildJvmNode(name, log, p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + " (" + String.join(" ", command) + ")", e);
    }
  }

  static List<String> command(String javaHome, String classpath, List<String> args) {
    return command(javaHome, classpath, List.of(), args);
  }

  static List<String> command(String javaHome, String classpath, List<String> jvmOptions, List<String> args) {
    List<String> c = new ArrayList<>();
    c.add(Path.of(javaHome, "bin", "java").toString());
    c.addAll(jvmOptions);
    c.add("-cp");
    c.add(classpath);
    c.add("org.fedfhir.cli.FedFhir");
    c.addAll(args);
    return c;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Path logFile() {
    return log;
  }

  @Override
  public Optional<String> failure() {
    if (process.isAlive()) {
      return Optional.empty();
    }
    return Optional.of(LogReason.of(log).orElse("exited with code " + process.exitValue()));
  }

  /** Kills it at once (SIGKILL): no shutdown hook runs, its sockets are closed by the kernel. */
  void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL for 15 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Its process id. */
  long pid() {
    return process.pid();
  }

  @Override
  public void stop() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
