package org.fedfhir.auth.smart;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open EHR launch contexts, in memory. A {@code launch} value is an opaque random string,
 * valid for {@link #LIFETIME} and usable once: {@link #consume(String)} removes it atomically, so
 * two authorization requests cannot both bind it. A context picked by a user ({@link #pick}) is also
 * bound to that user: {@link LaunchContext#usableBy}.
 */
public final class LaunchContexts {
  /** How long a launch value may wait for its authorization request. */
  public static final Duration LIFETIME = Duration.ofMinutes(5);

  private final Map<String, LaunchContext> open = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;

  public LaunchContexts(Clock clock) {
    this.clock = clock;
  }

  /** Opens a launch context for {@code patient} (and {@code encounter}, may be null); returns its launch value. */
  public String create(String patient, String encounter) {
    return open(patient, encounter, null);
  }

  /**
   * Opens the launch context of a patient that signed-in staff user {@code user} picked for a standalone
   * {@code launch/patient}; only an authorization of that user may bind it. Returns its launch value.
   */
  public String pick(String patient, String user) {
    return open(patient, null, java.util.Objects.requireNonNull(user, "user"));
  }

  private String open(String patient, String encounter, String pickedBy) {
    open.values().removeIf(c -> !c.expiresAt().isAfter(clock.instant()));
    byte[] b = new byte[32];
    random.nextBytes(b);
    String launch = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    open.put(launch, new LaunchContext(patient, encounter, clock.instant().plus(LIFETIME), pickedBy));
    return launch;
  }

  /** The context of an open, unexpired launch value, without using it up. */
  public Optional<LaunchContext> peek(String launch) {
    LaunchContext c = launch == null ? null : open.get(launch);
    return c != null && c.expiresAt().isAfter(clock.instant()) ? Optional.of(c) : Optional.empty();
  }

  /** Uses a launch value up: its context if it was open and unexpired, else empty. */
  public Optional<LaunchContext> consume(String launch) {
    LaunchContext c = launch == null ? null : open.remove(launch);
    return c != null && c.expiresAt().isAfter(clock.instant()) ? Optional.of(c) : Optional.empty();
  }
}
