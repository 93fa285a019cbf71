package org.fedfhir.cli.demo;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.fedfhir.cli.FedFhir;
import picocli.CommandLine;

/**
 * A party as its own Spring context in the demo's JVM: the same {@code ./fedfhir} subcommand and
 * arguments as a child process would get, run on a daemon thread (the command blocks while its
 * server runs). Cheaper than a JVM per party on a small machine: the libraries are loaded and
 * compiled once. Its context is closed by the command's shutdown hook when the JVM exits.
 */
final class InProcessNode implements Node {
  private final String name;
  private final Path log;
  private final AtomicReference<String> failure = new AtomicReference<>();

  private InProcessNode(String name, Path log) {
    this.name = name;
    this.log = log;
  }

  static InProcessNode start(String name, List<String> args, NodeLogs logs) {
    InProcessNode node = new InProcessNode(name, logs.file(name));
    Thread t = new Thread(() -> {
      logs.enter(name);
      PrintWriter out = new PrintWriter(logs.stream(name), true);
      try {
        int code = new CommandLine(new FedFhir()).setOut(out).setErr(out).execute(args.toArray(new String[0]));
        node.failure.set(LogReason.of(node.log).orElse("stopped with exit code " + code));
      } catch (Throwable e) {
        e.printStackTrace(out);
        node.failure.set(String.valueOf(e));
      }
    }, "fedfhir-" + name);
    t.setDaemon(true);
    t.start();
    return node;
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
    return Optional.ofNullable(failure.get());
  }

  @Override
  public void stop() {
    // closed by the command's shutdown hook when the demo's JVM exits
  }
}
