package org.fedfhir.cli.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the aggregator and the hospitals all at once, each in its own JVM or its own context in the
 * demo's JVM ({@link Isolation}), and waits until each answers: a hospital on {@code GET /fhir/metadata},
 * the aggregator on its FHIR endpoint or, without one, its gRPC port.
 */
final class DemoNetwork implements AutoCloseable {

  /** How parties are isolated from one another. */
  enum Isolation {
    /** One Spring context per party in the demo's JVM (default: half the CPU of a JVM each). */
    CONTEXT,
    /** One child JVM per party, started with the CLI's own classpath. */
    PROCESS
  }

  /** A party that did not come up: its name, its log and why. */
  static final class StartFailure extends RuntimeException {
    final String party;
    final java.nio.file.Path log;

    StartFailure(String party, java.nio.file.Path log, String reason) {
      super(party + " did not start: " + reason + " (log: " + log + ")");
      this.party = party;
      this.log = log;
    }
  }

  /** Starts one party with its {@code ./fedfhir} arguments, its output to {@code log}. */
  interface Launcher {
    Node start(String name, List<String> args, java.nio.file.Path log);
  }

  /** Between two readiness checks: a check is one loopback request, a party ready is noticed within this. */
  private static final long POLL_MS = 100;

  private final Topology topology;
  private final Launcher launcher;
  private final NodeLogs logs;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final Map<String, List<String>> arguments = new LinkedHashMap<>();
  private HttpClient aggregatorHttp;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  DemoNetwork(Topology topology, Isolation isolation, NodeLogs logs) {
    this(topology, isolation == Isolation.PROCESS ? ChildJvmNode::start
        : (name, args, log) -> InProcessNode.start(name, args, logs), logs);
  }

  /** Parties started by {@code launcher}, e.g. each in its own network namespace. */
  DemoNetwork(Topology topology, Launcher launcher, NodeLogs logs) {
    this.topology = topology;
    this.launcher = launcher;
    this.logs = logs;
  }

  /** Starts every party without waiting. */
  void startAll() {
    startAll(List.of(), List.of());
  }

  /** Starts every party without waiting, with extra arguments for the aggregator and for each hospital. */
  void startAll(List<String> aggregatorExtra, List<String> hospitalExtra) {
    List<String> a = new ArrayList<>(topology.aggregatorArgs());
    a.addAll(aggregatorExtra);
    start("aggregator", a);
    for (String c : topology.centres()) {
      List<String> h = new ArrayList<>(topology.hospitalArgs(c));
      h.addAll(hospitalExtra);
      start(c, h);
    }
  }

  /** Starts one party without waiting (the aggregator and the hospitals, or another, e.g. the TEE). */
  void start(String name, List<String> args) {
    nodes.put(name, launcher.start(name, args, logs.file(name)));
    arguments.put(name, List.copyOf(args));
  }

  /** Stops a party and starts it again with the same arguments, without waiting. */
  void restart(String name) {
    Node old = nodes.get(name);
    if (old == null) {
      throw new IllegalArgumentException("no party '" + name + "' was started; parties: " + nodes.keySet());
    }
    old.stop();
    start(name, arguments.get(name));
  }

  /**
   * Kills a party started as a child JVM at once (SIGKILL: a crash, no shutdown runs) and starts it again
   * with the same arguments, without waiting.
   */
  void crashAndRestart(String name) {
    if (!(nodes.get(name) instanceof ChildJvmNode child)) {
      throw new IllegalArgumentException("'" + name + "' is not a child JVM of this run; parties: " + nodes.keySet());
    }
    child.kill();
    start(name, arguments.get(name));
  }

  /**
   * Waits for the hospitals; throws {@link StartFailure} for the first that stops or is late. Returns
   * the seconds each took to answer.
   */
  Map<String, Double> awaitHospitals(Duration timeout, long t0) {
    Map<String, Double> ready = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> waiting = new ArrayList<>(topology.centres());
    while (!waiting.isEmpty()) {
      for (var it = waiting.iterator(); it.hasNext(); ) {
        String c = it.next();
        Node n = nodes.get(c);
        Optional<String> failed = n.failure();
        if (failed.isPresent()) {
          throw new StartFailure("hospital " + c, n.logFile(), failed.get());
        }
        if (answers(topology.hospitalBase(c) + "/metadata")) {
          ready.put(c, (System.nanoTime() - t0) / 1e9);
          it.remove();
        }
      }
      if (System.nanoTime() > deadline && !waiting.isEmpty()) {
        String c = waiting.get(0);
        throw new StartFailure("hospital " + c, nodes.get(c).logFile(), "no answer on "
            + topology.hospitalBase(c) + "/metadata within " + timeout.toSeconds() + " s");
      }
      sleep(POLL_MS);
    }
    return ready;
  }

  /** Waits for the aggregator; returns empty when it is up, else why not (the demo goes on without it). */
  Optional<String> awaitAggregator(Duration timeout) {
    Node n = nodes.get("aggregator");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> failed = n.failure();
      if (failed.isPresent()) {
        return Optional.of(failed.get() + " (log: " + n.logFile() + ")");
      }
      boolean up = topology.aggregatorFhirBase() != null
          ? answers(aggregatorHttp(), topology.aggregatorFhirBase() + "/metadata")
          : listening(topology.aggregatorGrpcPort());
      if (up) {
        return Optional.empty();
      }
      sleep(POLL_MS);
    }
    return Optional.of("not up within " + timeout.toSeconds() + " s (log: " + n.logFile() + ")");
  }

  Node node(String name) {
    return nodes.get(name);
  }

  /** The aggregator's endpoint serves HTTPS with a certificate of the network CA: trust that CA only. */
  private HttpClient aggregatorHttp() {
    if (aggregatorHttp == null) {
      aggregatorHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(
          org.fedfhir.access.ClientTls.trusting(org.fedfhir.aggregator.pki.PkiDirectory.caCertificateFile(
              topology.pkiDir()))).connectTimeout(Duration.ofSeconds(5)).build();
    }
    return aggregatorHttp;
  }

  private boolean answers(String url) {
    return answers(http, url);
  }

  private static boolean answers(HttpClient http, String url) {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .header("Accept", FhirHttp.JSON).GET().build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    nodes.values().forEach(Node::stop);
  }
}
