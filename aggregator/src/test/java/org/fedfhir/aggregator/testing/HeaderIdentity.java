package org.fedfhir.aggregator.testing;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import org.fedfhir.aggregator.grpc.PeerIdentity;

/**
 * Stands in for mutual TLS on the in-process transport: the site's name comes from the header
 * {@link #SITE} instead of its certificate.
 */
public final class HeaderIdentity implements ServerInterceptor {

  /** The header a test site sends its name in. */
  public static final Metadata.Key<String> SITE = Metadata.Key.of("x-test-site", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return Contexts.interceptCall(Context.current().withValue(PeerIdentity.NAME, headers.get(SITE)), call, headers,
        next);
  }
}
