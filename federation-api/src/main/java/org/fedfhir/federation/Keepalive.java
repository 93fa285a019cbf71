package org.fedfhir.federation;

import java.time.Duration;

/**
 * How the aggregator and a site notice that the other has gone without a word (a cable pulled, a host
 * switched off, a firewall that drops the connection): each pings over the gRPC connection after
 * {@code idle} without reading anything and gives up on the connection when no answer comes within
 * {@code timeout}. The aggregator then drops the site from the round in flight and from the next rounds;
 * the site's session ends with {@code UNAVAILABLE} and it may join again. Without it a silent peer is
 * waited for until TCP gives up, which takes a quarter of an hour, and a Task hangs that long without a
 * reason. The aggregator accepts pings as often as every {@code idle / 2}, so a site's are never refused
 * as abuse.
 *
 * @param idle time without a frame read after which a ping is sent
 * @param timeout how long the answer to a ping may take
 */
public record Keepalive(Duration idle, Duration timeout) {

  /** 15 s idle, 10 s for the answer: a vanished peer is noticed within 25 s. */
  public static final Keepalive DEFAULT = new Keepalive(Duration.ofSeconds(15), Duration.ofSeconds(10));

  public Keepalive {
    if (idle.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("keepalive idle " + idle + ", timeout " + timeout + "; need at least 1 s each");
    }
  }

  /** The least interval between a peer's pings the server accepts. */
  public Duration permitted() {
    return idle.dividedBy(2);
  }
}
