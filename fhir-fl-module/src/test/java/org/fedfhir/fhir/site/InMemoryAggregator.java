package org.fedfhir.fhir.site;

import java.util.concurrent.CompletableFuture;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.fhir.federation.Aggregator;

/**
 * An aggregator that records the one Join it is sent and lets the test decide how the session goes:
 * {@link #session} is the future the site waits on; {@link #acceptJoins} tells the site's work it
 * was accepted, as the real aggregator's {@code Joined} does.
 */
final class InMemoryAggregator implements Aggregator {

  /** What the site sent. */
  record Join(SiteSession.Study study, SiteSession.RoundWork work, SiteSession.Disclosure disclosure) {}

  final CompletableFuture<Join> joined = new CompletableFuture<>();
  final CompletableFuture<SiteSession.Outcome> session = new CompletableFuture<>();
  boolean acceptJoins = true;
  boolean closed;

  @Override
  public CompletableFuture<SiteSession.Outcome> join(SiteSession.Study study, SiteSession.RoundWork work,
      SiteSession.Disclosure disclosure) {
    joined.complete(new Join(study, work, disclosure));
    if (acceptJoins) {
      work.joined(0);
    }
    return session;
  }

  @Override
  public String target() {
    return "aggregator.test:7443";
  }

  @Override
  public String describe(Throwable failure) {
    return "the aggregator at " + target() + " refused or ended the session (" + failure.getMessage() + ")";
  }

  @Override
  public void close() {
    closed = true;
  }
}
