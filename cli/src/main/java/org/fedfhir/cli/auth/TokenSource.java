package org.fedfhir.cli.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A current access token for a long-running client (a load, the demo): fetched when first needed and
 * again a minute before the last one expires. Thread-safe.
 */
public final class TokenSource implements Supplier<String> {

  /** Fetches a fresh token and says how long it lives. */
  public interface Fetch {
    Fetched fetch() throws IOException, InterruptedException;
  }

  /** A fetched token and its lifetime. */
  public record Fetched(String token, Duration lifetime) {
    @Override
    public String toString() {
      return "Fetched[token redacted, " + lifetime + "]";
    }
  }

  private static final Duration MARGIN = Duration.ofMinutes(1);

  private final Fetch fetch;
  private final Clock clock;
  private String token;
  private Instant renewAt = Instant.MIN;

  public TokenSource(Fetch fetch, Clock clock) {
    this.fetch = fetch;
    this.clock = clock;
  }

  @Override
  public synchronized String get() {
    if (token == null || !clock.instant().isBefore(renewAt)) {
      try {
        Fetched f = fetch.fetch();
        token = f.token();
        Duration early = f.lifetime().compareTo(MARGIN.multipliedBy(2)) > 0 ? MARGIN : f.lifetime().dividedBy(2);
        renewAt = clock.instant().plus(f.lifetime()).minus(early);
      } catch (IOException e) {
        throw new UncheckedIOException("could not get an access token: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while getting an access token", e);
      }
    }
    return token;
  }
}
