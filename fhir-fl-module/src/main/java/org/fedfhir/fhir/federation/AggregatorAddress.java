package org.fedfhir.fhir.federation;

/** Where the aggregator's gRPC endpoint is: the hospital's {@code --aggregator host:port}. */
public record AggregatorAddress(String host, int port) {

  public AggregatorAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("aggregator host is empty; need host:port");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("aggregator port " + port + "; need 1..65535");
    }
  }

  /** Parses {@code host:port} ({@code [v6]:port} for IPv6 literals). */
  public static AggregatorAddress parse(String hostPort) {
    String s = hostPort == null ? "" : hostPort.trim();
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("aggregator '" + s + "'; need host:port, e.g. localhost:9090");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new AggregatorAddress(host, Integer.parseInt(s.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("aggregator '" + s + "': port '" + s.substring(colon + 1)
          + "' is not a number; need host:port");
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
