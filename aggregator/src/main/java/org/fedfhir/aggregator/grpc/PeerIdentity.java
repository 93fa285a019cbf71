package org.fedfhir.aggregator.grpc;

import io.grpc.Context;

/**
 * The authenticated name of the party on the other end of a call: the CN of its TLS client
 * certificate, put into the call's {@link Context} by {@link PeerIdentityInterceptor}.
 */
public final class PeerIdentity {

  /** The peer's name; absent if the call was not authenticated. */
  public static final Context.Key<String> NAME = Context.key("fedfhir-peer-name");

  private PeerIdentity() {}

  /** The current call's peer name, or null. */
  public static String current() {
    return NAME.get();
  }
}
