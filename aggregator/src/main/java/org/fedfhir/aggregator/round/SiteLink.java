package org.fedfhir.aggregator.round;

import org.fedfhir.federation.v1.AggregatorMessage;

/**
 * The coordinator's handle on one site's open session (a gRPC stream at the edge). Calls come from
 * the coordinator under its lock, one at a time.
 */
public interface SiteLink {

  /** The site's authenticated name (its certificate's CN). */
  String siteName();

  void send(AggregatorMessage message);

  /** Ends the session because of the violation. */
  void refuse(ProtocolViolation violation);

  /** Ends the session normally (the study is over for this site). */
  void close();
}
