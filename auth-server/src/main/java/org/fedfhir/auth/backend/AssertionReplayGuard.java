package org.fedfhir.auth.backend;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the {@code jti} of every client assertion until it expires, so an assertion is
 * accepted once (SMART Backend Services: the server SHALL NOT accept a reused {@code jti}).
 * Keys are client id + jti; entries are dropped once past their expiry.
 */
public final class AssertionReplayGuard {
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();
  private final Clock clock;

  public AssertionReplayGuard(Clock clock) {
    this.clock = clock;
  }

  /** Records a first use and returns true; returns false if this client already used {@code jti}. */
  public boolean firstUse(String clientId, String jti, Instant expiresAt) {
    Instant now = clock.instant();
    seen.values().removeIf(exp -> exp.isBefore(now));
    return seen.putIfAbsent(clientId + "\u0000" + jti, expiresAt) == null;
  }
}
