package org.fedfhir.securecompute.attestation;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link NonceStore} in memory. Used nonces are kept for a retention period after their expiry
 * so a replay is reported as {@link Status#ALREADY_USED}, then pruned.
 */
public final class InMemoryNonceStore implements NonceStore {

  private record Entry(Instant expiresAt, boolean used) {}

  private final Map<String, Entry> nonces = new ConcurrentHashMap<>();
  private final Duration retention;

  public InMemoryNonceStore() {
    this(Duration.ofHours(1));
  }

  public InMemoryNonceStore(Duration retention) {
    this.retention = retention;
  }

  @Override
  public void issue(byte[] nonce, Instant expiresAt) {
    if (nonces.putIfAbsent(HexFormat.of().formatHex(nonce), new Entry(expiresAt, false)) != null) {
      throw new IllegalStateException("nonce issued twice");
    }
  }

  @Override
  public Status consume(byte[] nonce, Instant now) {
    prune(now);
    Status[] result = {Status.UNKNOWN};
    nonces.computeIfPresent(HexFormat.of().formatHex(nonce), (k, e) -> {
      if (e.used()) {
        result[0] = Status.ALREADY_USED;
      } else if (!now.isBefore(e.expiresAt())) {
        result[0] = Status.EXPIRED;
      } else {
        result[0] = Status.FRESH;
      }
      return new Entry(e.expiresAt(), true);
    });
    return result[0];
  }

  private void prune(Instant now) {
    Instant cutoff = now.minus(retention);
    nonces.values().removeIf(e -> e.expiresAt().isBefore(cutoff));
  }
}
