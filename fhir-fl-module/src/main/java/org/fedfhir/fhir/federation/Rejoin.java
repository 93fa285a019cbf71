package org.fedfhir.fhir.federation;

import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * When a training site whose session with the aggregator broke joins its study again: after a
 * transport failure only ({@link #isTransportFailure}: the aggregator unreachable, or the stream
 * reset under the session), with waits that start at {@code first} and double up to {@code longest},
 * until {@code within} has passed since the session broke. A refusal by the aggregator or by the
 * site itself is never retried: it would be refused again.
 *
 * <p>Security guarantees: rejoining is a new session of the same study, with a new session key,
 * held to the hospital's {@link org.fedfhir.federation.ContributionLedger}: the aggregator can start
 * it only at a later round or at a model whose contribution the site made among the same sites (a
 * round at a model it already contributed at among other sites is refused, so an aggregator that
 * cuts a link cannot ask again among fewer sites and difference the sums). Secure aggregation's keys
 * are per round, so a round boundary is a safe place to come back. The site's work, and with it a
 * differentially private study's privacy ledger and the session's secret shuffling seed, carry over
 * into the new session.
 *
 * @param first the wait before the first attempt
 * @param longest the longest wait between attempts
 * @param within how long after the session broke the site keeps trying; then its Task fails
 */
public record Rejoin(Duration first, Duration longest, Duration within) {

  /** 1 s, doubling to 10 s, for 10 minutes: an aggregator restart or a link down for minutes. */
  public static final Rejoin DEFAULT = new Rejoin(Duration.ofSeconds(1), Duration.ofSeconds(10),
      Duration.ofMinutes(10));

  /** Never rejoins: the first transport failure fails the Task. */
  public static final Rejoin NEVER = new Rejoin(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO);

  /**
   * @throws IllegalArgumentException naming the bad value unless 0 < first ≤ longest and within ≥ 0
   */
  public Rejoin {
    if (first.isNegative() || first.isZero() || longest.compareTo(first) < 0 || within.isNegative()) {
      throw new IllegalArgumentException("rejoin waits first " + first + ", longest " + longest + ", within "
          + within + ": need 0 < first ≤ longest and within ≥ 0");
    }
  }

  /** {@link #DEFAULT}'s waits for {@code within} (the site's setting {@code fedfhir.federation.rejoin-within}). */
  public static Rejoin within(Duration within) {
    return new Rejoin(DEFAULT.first, DEFAULT.longest, within);
  }

  /**
   * {@link #within} the site's setting {@code fedfhir.federation.rejoin-within} (ISO-8601, e.g. {@code PT10M};
   * {@code PT0S}: never rejoin).
   *
   * @throws IllegalArgumentException naming the setting and the value when it is not a duration ≥ 0
   */
  public static Rejoin fromSetting(String value) {
    Duration d;
    try {
      d = Duration.parse(value.strip());
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("fedfhir.federation.rejoin-within '" + value
          + "': need an ISO-8601 duration such as PT10M (PT0S: never rejoin)", e);
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("fedfhir.federation.rejoin-within '" + value + "': need a duration ≥ 0");
    }
    return within(d);
  }

  /** The wait before attempt {@code attempt} (1, 2, …): {@code first}·2^(attempt − 1), at most {@code longest}. */
  public Duration delay(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt " + attempt + ": need ≥ 1");
    }
    Duration d = first;
    for (int i = 1; i < attempt && d.compareTo(longest) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(longest) > 0 ? longest : d;
  }

  /**
   * True if {@code failure} (a session's, possibly wrapped) is the transport's: {@code UNAVAILABLE}
   * (no connection, connection lost, keepalive unanswered) or a stream reset under the session
   * ({@code RST_STREAM}); false for the aggregator's refusals (any other status with its
   * description) and the site's own (a refused round, a failed computation).
   */
  public static boolean isTransportFailure(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (!(t instanceof io.grpc.StatusRuntimeException || t instanceof io.grpc.StatusException)) {
      return false;
    }
    Status s = Status.fromThrowable(t);
    if (s.getCode() == Status.Code.UNAVAILABLE) {
      return true;
    }
    String d = s.getDescription() == null ? "" : s.getDescription();
    return (s.getCode() == Status.Code.CANCELLED || s.getCode() == Status.Code.INTERNAL)
        && (d.contains("RST_STREAM") || d.contains("Rst Stream"));
  }
}
