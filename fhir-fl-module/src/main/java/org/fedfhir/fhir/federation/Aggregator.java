package org.fedfhir.fhir.federation;

import java.util.concurrent.CompletableFuture;
import org.fedfhir.federation.SiteSession;

/**
 * The aggregator as the site's services use it: join a study and take part in its rounds
 * ({@link FederationClient} over gRPC with mutual TLS; in tests, in memory).
 */
public interface Aggregator extends AutoCloseable {

  /**
   * Joins the study and takes part in its rounds with {@code work}, stating the site's own
   * {@code disclosure} control in the Join (statistics studies; null for none). The future
   * completes when the study ends or the session fails.
   */
  CompletableFuture<SiteSession.Outcome> join(SiteSession.Study study, SiteSession.RoundWork work,
      SiteSession.Disclosure disclosure);

  /** Joins a study without a disclosure control of the site's own (training studies). */
  default CompletableFuture<SiteSession.Outcome> join(SiteSession.Study study, SiteSession.RoundWork work) {
    return join(study, work, null);
  }

  /**
   * Before a site joins again after a transport failure ({@link Rejoin}): try the connection now
   * rather than after the transport's own reconnect backoff. By default nothing to do.
   */
  default void reconnectNow() {}

  /** Where the aggregator is, for messages. */
  String target();

  /** Why a session failed, in words for a Task's {@code statusReason} or an OperationOutcome. */
  String describe(Throwable failure);

  @Override
  void close();
}
