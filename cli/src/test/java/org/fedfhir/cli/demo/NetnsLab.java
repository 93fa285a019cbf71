package org.fedfhir.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A small network of Linux hosts on one machine (iproute2): each host a network namespace of its own with
 * one interface {@code eth0} and its own address in {@code 10.77.N.0/24}, all cabled (veth pairs) to a
 * bridge that lives in a namespace of its own, the lab's switch. The machine itself joins as the operator's
 * host ({@code 10.77.N.1}), from where the test acts as researcher and data steward. Each host resolves the
 * others' names through its own {@code /etc/netns/NS/hosts} (bind-mounted over {@code /etc/hosts} by
 * {@code ip netns exec}). Names carry a random run id; {@link #close} removes everything, also after a
 * failure. Faults: a host's cable unplugged at the switch ({@link #linkDown}), random packet loss inside a
 * host (iptables' {@code statistic} match, {@link #dropRandomly}).
 */
final class NetnsLab implements AutoCloseable {

  /** Why the lab cannot be built here (not root, iproute2 or iptables missing), or empty. */
  static Optional<String> unavailable() {
    String uid = run(List.of("id", "-u"), false).strip();
    if (!uid.equals("0")) {
      return Optional.of("network namespaces need root (uid " + uid + "); .ci/run runs as root");
    }
    for (String tool : List.of("ip", "iptables")) {
      if (run(List.of("sh", "-c", "command -v " + tool + " || true"), false).isBlank()) {
        return Optional.of("'" + tool + "' is missing: apt-get install iproute2 iptables (.ci/run installs them)");
      }
    }
    return Optional.empty();
  }

  /** A host of the lab: its namespace, address and the switch port its cable is plugged into. */
  record Host(String name, String namespace, String address, String switchPort) {}

  /** How long one ip/iptables command may take. */
  private static final long COMMAND_SECONDS = 20;

  private final String id;
  private final String subnet;
  private final String switchNamespace;
  private final String operatorInterface;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final List<String> namespaces = new ArrayList<>();

  private NetnsLab(String id, int third) {
    this.id = id;
    this.subnet = "10.77." + third;
    this.switchNamespace = "fedfhir-" + id + "-switch";
    this.operatorInterface = "ff" + id + "op";
  }

  /**
   * Builds the switch and the operator's host; hosts are added with {@link #addHost}. The third octet
   * is drawn at random among those the machine does not route yet.
   */
  static NetnsLab create() {
    SecureRandom random = new SecureRandom();
    String id = HexFormat.of().formatHex(random.generateSeed(2));
    String routes = run(List.of("ip", "-4", "route", "show"), true);
    int third = -1;
    for (int attempt = 0; attempt < 50 && third < 0; attempt++) {
      int candidate = 1 + random.nextInt(250);
      if (!routes.contains("10.77." + candidate + ".")) {
        third = candidate;
      }
    }
    if (third < 0) {
      throw new IllegalStateException("no free 10.77.N.0/24 on this machine: " + routes);
    }
    NetnsLab lab = new NetnsLab(id, third);
    try {
      lab.addNamespace(lab.switchNamespace);
      lab.inNamespace(lab.switchNamespace, "ip", "link", "add", "br0", "type", "bridge");
      lab.inNamespace(lab.switchNamespace, "ip", "link", "set", "br0", "up");
      String port = "ff" + lab.id + "opp";
      run(List.of("ip", "link", "add", lab.operatorInterface, "type", "veth", "peer", "name", port), true);
      run(List.of("ip", "link", "set", port, "netns", lab.switchNamespace), true);
      lab.inNamespace(lab.switchNamespace, "ip", "link", "set", port, "master", "br0", "up");
      run(List.of("ip", "addr", "add", lab.operatorAddress() + "/24", "dev", lab.operatorInterface), true);
      run(List.of("ip", "link", "set", lab.operatorInterface, "up"), true);
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  /** The operator's address (this machine's end of the lab). */
  String operatorAddress() {
    return subnet + ".1";
  }

  /** Adds host {@code name} at {@code 10.77.N.octet} (2–254), its cable plugged into the switch. */
  Host addHost(String name, int octet) {
    String ns = "fedfhir-" + id + "-" + name;
    String eth = "ff" + id + "h" + octet;
    String port = "ff" + id + "p" + octet;
    Host h = new Host(name, ns, subnet + "." + octet, port);
    addNamespace(ns);
    run(List.of("ip", "link", "add", eth, "type", "veth", "peer", "name", port), true);
    run(List.of("ip", "link", "set", port, "netns", switchNamespace), true);
    inNamespace(switchNamespace, "ip", "link", "set", port, "master", "br0", "up");
    run(List.of("ip", "link", "set", eth, "netns", ns), true);
    inNamespace(ns, "ip", "link", "set", eth, "name", "eth0");
    inNamespace(ns, "ip", "addr", "add", h.address() + "/24", "dev", "eth0");
    inNamespace(ns, "ip", "link", "set", "eth0", "up");
    inNamespace(ns, "ip", "link", "set", "lo", "up");
    hosts.put(name, h);
    return h;
  }

  /**
   * Writes each host's {@code /etc/hosts} ({@code /etc/netns/NS/hosts}): localhost, and {@code names} (a
   * host name → address) — the lab's DNS.
   */
  void writeHostsFiles(Map<String, Map<String, String>> namesByHost) {
    for (Host h : hosts.values()) {
      StringBuilder b = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost\n");
      namesByHost.getOrDefault(h.name(), Map.of()).forEach((n, a) -> b.append(a).append('\t').append(n).append('\n'));
      try {
        Path dir = Path.of("/etc/netns", h.namespace());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("hosts"), b.toString(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the hosts file of " + h.namespace(), e);
      }
    }
  }

  Host host(String name) {
    Host h = hosts.get(name);
    if (h == null) {
      throw new IllegalArgumentException("no host '" + name + "' in the lab; hosts: " + hosts.keySet());
    }
    return h;
  }

  /** The command prefix that runs a program on host {@code name}. */
  List<String> on(String name) {
    return List.of("ip", "netns", "exec", host(name).namespace());
  }

  /** Unplugs (false) or plugs back (true) the host's cable at the switch: its eth0 loses carrier. */
  void link(String name, boolean up) {
    inNamespace(switchNamespace, "ip", "link", "set", host(name).switchPort(), up ? "up" : "down");
  }

  /** Drops each packet the host receives or sends with {@code probability} (iptables statistic match). */
  void dropRandomly(String name, double probability) {
    String p = String.format(Locale.ROOT, "%.4f", probability);
    for (String chain : List.of("INPUT", "OUTPUT")) {
      inNamespace(host(name).namespace(), "iptables", "-w", "-A", chain, "-m", "statistic", "--mode", "random",
          "--probability", p, "-j", "DROP");
    }
  }

  /** Packets the host's {@link #dropRandomly} rules have dropped so far. */
  long dropped(String name) {
    long total = 0;
    for (String chain : List.of("INPUT", "OUTPUT")) {
      String out = inNamespace(host(name).namespace(), "iptables", "-w", "-L", chain, "-v", "-n", "-x");
      for (String line : out.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 2 && f[2].equals("DROP")) {
          total += Long.parseLong(f[0]);
        }
      }
    }
    return total;
  }

  /** Bytes received and sent on the host's eth0 (its only way out). */
  long[] traffic(String name) {
    String ns = host(name).namespace();
    return new long[] {Long.parseLong(inNamespace(ns, "cat", "/sys/class/net/eth0/statistics/rx_bytes").strip()),
        Long.parseLong(inNamespace(ns, "cat", "/sys/class/net/eth0/statistics/tx_bytes").strip())};
  }

  /** The peer address of each established TCP connection on the host ({@code ss -tnH state established}). */
  List<String> peers(String name) {
    List<String> peers = new ArrayList<>();
    for (String line : inNamespace(host(name).namespace(), "ss", "-tnH", "state", "established").split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4) {
        String peer = f[3].substring(0, f[3].lastIndexOf(':')).replace("[", "").replace("]", "");
        peers.add(peer.startsWith("::ffff:") ? peer.substring("::ffff:".length()) : peer);
      }
    }
    return peers;
  }

  /** Whether {@code address} is in the lab ({@code 10.77.N.0/24}) or the host's own loopback. */
  boolean inLab(String address) {
    return address.startsWith(subnet + ".") || address.startsWith("127.") || address.equals("::1");
  }

  /** The host's IPv4 routes ({@code ip -4 route}): only its lab subnet, no default route out of the lab. */
  String routes(String name) {
    return inNamespace(host(name).namespace(), "ip", "-4", "route", "show");
  }

  /** Listening TCP sockets on the host ({@code ss -ltnH}: local address:port per line). */
  String listening(String name) {
    return inNamespace(host(name).namespace(), "ss", "-ltnH");
  }

  private void addNamespace(String ns) {
    run(List.of("ip", "netns", "add", ns), true);
    namespaces.add(ns);
  }

  private String inNamespace(String ns, String... command) {
    List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    c.addAll(List.of(command));
    return run(c, true);
  }

  /** Runs a command with a deadline; its output, or (check) an exception naming the command and its output. */
  static String run(List<String> command, boolean check) {
    Path output = null;
    try {
      output = Files.createTempFile("fedfhir-lab-", ".out");
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(output.toFile())).start();
      p.getOutputStream().close();
      if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not end within " + COMMAND_SECONDS + " s");
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (check && p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + text.strip());
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }

  /** Removes every namespace (with the interfaces in it), the operator's interface and the hosts files. */
  @Override
  public void close() {
    run(List.of("ip", "link", "del", operatorInterface), false);
    for (String ns : namespaces) {
      run(List.of("ip", "netns", "del", ns), false);
      Path dir = Path.of("/etc/netns", ns);
      try {
        Files.deleteIfExists(dir.resolve("hosts"));
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // left behind: a directory of one hosts file, named after this run
      }
    }
  }
}
