package org.fedfhir.aggregator.round;

import org.fedfhir.federation.v1.SiteMessage;

/**
 * What a site's session talks to once it has joined a study: the study's coordinator, training
 * ({@link StudyCoordinator}) or statistics. The gRPC edge hands it every later message and the
 * session's end.
 */
public interface StudySession {

  /** A protocol message from a joined site. */
  void onMessage(String site, SiteMessage message);

  /** The site's session ended (network failure, site shut down, cancelled). */
  void onDisconnect(SiteLink link);
}
