package org.fedfhir.cli.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Keeps the console for the demo's own lines and puts every log line into files in the report
 * directory: one file per party. Parties running in the demo's JVM are told apart by an inheritable
 * thread-local set on the thread that starts them (the threads their servers create inherit it);
 * lines of no party go to {@code demo.log}. Installed once per JVM, before any Spring context starts.
 */
final class NodeLogs {
  static final String DEMO = "demo";
  private final Path dir;
  private final PrintStream console;
  private final InheritableThreadLocal<String> party = new InheritableThreadLocal<>();
  private final Map<String, PrintStream> files = new ConcurrentHashMap<>();

  private NodeLogs(Path dir, PrintStream console) {
    this.dir = dir;
    this.console = console;
  }

  /**
   * Routes logback (and java.util.logging through it) to files under {@code dir}, and System.out/err of
   * party threads to their file. Spring Boot is told not to reconfigure logging (its per-application
   * logging set-up is also what breaks when several contexts start at once in one JVM).
   */
  static NodeLogs install(Path dir) {
    NodeLogs logs = new NodeLogs(dir, System.out);
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    lc.reset();
    PatternLayout layout = new PatternLayout();
    layout.setContext(lc);
    layout.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n%ex");
    layout.start();
    Router router = new Router(logs, layout);
    router.setContext(lc);
    router.start();
    ch.qos.logback.classic.Logger root = lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(router);
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.setOut(new PrintStream(logs.new Routing(System.out), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(logs.new Routing(System.err), true, StandardCharsets.UTF_8));
    return logs;
  }

  /** Log files under {@code dir} for parties in child processes only: nothing of this JVM is rerouted. */
  static NodeLogs inDirectory(Path dir, PrintStream console) {
    return new NodeLogs(dir, console);
  }

  /** The console as it was before {@link #install}: where the demo prints its own lines. */
  PrintStream console() {
    return console;
  }

  Path file(String name) {
    return dir.resolve(name + ".log");
  }

  /** Marks the current thread (and threads it creates) as running {@code name}. */
  void enter(String name) {
    party.set(name);
    stream(name);
  }

  PrintStream stream(String name) {
    return files.computeIfAbsent(name, n -> {
      try {
        Files.createDirectories(dir);
        return new PrintStream(new FileOutputStream(file(n).toFile(), true), true, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private PrintStream current() {
    String p = party.get();
    return stream(p == null ? DEMO : p);
  }

  /** Appends each event to the file of the party whose thread logged it. */
  static final class Router extends AppenderBase<ILoggingEvent> {
    private final NodeLogs logs;
    private final PatternLayout layout;

    Router(NodeLogs logs, PatternLayout layout) {
      this.logs = logs;
      this.layout = layout;
    }

    @Override
    protected void append(ILoggingEvent event) {
      logs.current().print(layout.doLayout(event));
    }
  }

  /** System.out/err: a party thread's output goes to its file, the demo's own to the console. */
  final class Routing extends OutputStream {
    private final PrintStream original;

    Routing(PrintStream original) {
      this.original = original;
    }

    private PrintStream target() {
      return party.get() == null ? original : current();
    }

    @Override
    public void write(int b) {
      target().write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      target().write(b, off, len);
    }

    @Override
    public void flush() {
      target().flush();
    }
  }
}
