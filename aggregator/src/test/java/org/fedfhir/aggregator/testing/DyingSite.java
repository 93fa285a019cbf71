package org.fedfhir.aggregator.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.function.Predicate;
import org.fedfhir.federation.v1.AggregatorMessage;

/** A site whose process dies at a chosen point of the protocol: the aggregator's message never arrives. */
public final class DyingSite {

  private DyingSite() {}

  /**
   * A client interceptor that, at the first aggregator message matching {@code when}, runs
   * {@code die} (e.g. shuts the site's channel down) instead of delivering it.
   */
  public static ClientInterceptor dieOn(Predicate<AggregatorMessage> when, Runnable die) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onMessage(R message) {
                if (message instanceof AggregatorMessage m && when.test(m)) {
                  die.run();
                  return;
                }
                super.onMessage(message);
              }
            }, headers);
          }
        };
      }
    };
  }
}
