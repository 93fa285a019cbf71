package org.fedfhir.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lab the network-fault test runs in ({@link NetnsLab}, {@link TcpRelay}), with one small JVM on a
 * host: hosts reach each other by address and by name, and each fault bites — a pulled cable, packets
 * dropped, latency added — and nothing of the lab is left afterwards. Needs root, iproute2 and iptables.
 */
@Tag("slow")
class NetnsLabTest {

  /** A line echo server: {@code java … NetnsLabTest$Echo PORT}. */
  public static final class Echo {
    public static void main(String[] args) throws IOException {
      try (ServerSocket server = new ServerSocket()) {
        server.bind(new InetSocketAddress("0.0.0.0", Integer.parseInt(args[0])));
        while (true) {
          Socket s = server.accept();
          Thread t = new Thread(() -> {
            try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(s.getOutputStream(), true,
                StandardCharsets.UTF_8)) {
              String line;
              while ((line = in.readLine()) != null) {
                out.println(line);
              }
            } catch (IOException e) {
              // the client went
            }
          });
          t.setDaemon(true);
          t.start();
        }
      }
    }
  }

  private static final int PORT = 7000;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void hostsTalkByAddressAndNameEachFaultBitesAndTheLabIsRemovedAfterwards() throws Exception {
    Optional<String> unavailable = NetnsLab.unavailable();
    assumeTrue(unavailable.isEmpty(), () -> "network lab test skipped: " + unavailable.orElse(""));
    List<String> namespaces = new ArrayList<>();
    Process echo = null;
    try (NetnsLab lab = NetnsLab.create()) {
      NetnsLab.Host alpha = lab.addHost("alpha", 2);
      NetnsLab.Host beta = lab.addHost("beta", 3);
      namespaces.addAll(List.of(alpha.namespace(), beta.namespace()));
      lab.writeHostsFiles(Map.of("beta", Map.of("alpha.fedfhir.test", alpha.address())));
      List<String> lookup = new ArrayList<>(lab.on("beta"));
      lookup.addAll(List.of("getent", "hosts", "alpha.fedfhir.test"));
      assertThat(NetnsLab.run(lookup, true)).as("beta resolves alpha by its name").contains(alpha.address());

      List<String> command = new ArrayList<>(lab.on("alpha"));
      command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Echo.class.getName(),
          String.valueOf(PORT)));
      echo = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      InetSocketAddress at = new InetSocketAddress(alpha.address(), PORT);
      awaitEcho(at, Duration.ofMinutes(5));
      assertThat(lab.listening("alpha")).contains(":" + PORT);

      try (TcpRelay far = TcpRelay.start(new InetSocketAddress(lab.operatorAddress(), 0), at)) {
        far.delay(Duration.ofMillis(200));
        InetSocketAddress relayed = new InetSocketAddress(lab.operatorAddress(), far.port());
        echo(relayed, "warm");
        long t0 = System.nanoTime();
        assertThat(echo(relayed, "late")).isEqualTo("late");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("a round trip through the relay")
            .isGreaterThanOrEqualTo(Duration.ofMillis(400));
      }

      lab.link("alpha", false);
      assertThatThrownBy(() -> echo(at, "unplugged")).as("alpha with its cable pulled").isInstanceOf(IOException.class);
      lab.link("alpha", true);
      awaitEcho(at, Duration.ofSeconds(30));

      lab.dropRandomly("alpha", 1.0);
      assertThatThrownBy(() -> echo(at, "dropped")).as("alpha dropping every packet").isInstanceOf(IOException.class);
      assertThat(lab.dropped("alpha")).isPositive();
      long[] traffic = lab.traffic("alpha");
      assertThat(traffic[0]).isPositive();
      assertThat(traffic[1]).isPositive();
    } finally {
      if (echo != null) {
        echo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    String left = NetnsLab.run(List.of("ip", "netns", "list"), true);
    for (String ns : namespaces) {
      assertThat(left).doesNotContain(ns);
      assertThat(Path.of("/etc/netns", ns)).doesNotExist();
    }
  }

  /** One line there and back over a new connection (2 s to connect, 10 s to answer). */
  private static String echo(InetSocketAddress to, String line) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(to, 2_000);
      s.setSoTimeout(10_000);
      PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
      out.println(line);
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
  }

  private static void awaitEcho(InetSocketAddress at, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    IOException last = null;
    while (System.nanoTime() < end) {
      try {
        if ("ready?".equals(echo(at, "ready?"))) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(200); // the server is starting
    }
    throw new AssertionError("no echo from " + at + " within " + deadline.toSeconds() + " s: " + last);
  }
}
