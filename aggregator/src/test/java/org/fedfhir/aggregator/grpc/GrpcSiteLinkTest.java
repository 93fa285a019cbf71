package org.fedfhir.aggregator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.junit.jupiter.api.Test;

/**
 * A site whose process dies cancels its call; gRPC marks the call cancelled before the service
 * hears of it, and a send in between throws CANCELLED — the exception the server stream raises
 * then. The link must swallow it: the coordinator sends to every site of a stage in one loop.
 */
class GrpcSiteLinkTest {

  /** A server stream whose call was cancelled after {@code delivered} messages, as gRPC's own is. */
  private static StreamObserver<AggregatorMessage> cancelledAfter(int delivered, List<AggregatorMessage> got) {
    return new StreamObserver<>() {
      @Override
      public void onNext(AggregatorMessage value) {
        if (got.size() >= delivered) {
          throw Status.CANCELLED.withDescription("call already cancelled").asRuntimeException();
        }
        got.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  @Test
  void aSendToASiteThatJustCancelledItsCallIsDroppedAndLaterSendsToo() {
    List<AggregatorMessage> got = new ArrayList<>();
    GrpcSiteLink link = new GrpcSiteLink("d", cancelledAfter(1, got));
    link.send(AggregatorMessage.getDefaultInstance());
    link.send(AggregatorMessage.getDefaultInstance());
    link.send(AggregatorMessage.getDefaultInstance());
    assertThat(got).hasSize(1);
  }

  @Test
  void anyOtherFailureToSendStillSurfaces() {
    GrpcSiteLink link = new GrpcSiteLink("d", new StreamObserver<>() {
      @Override
      public void onNext(AggregatorMessage value) {
        throw Status.INTERNAL.withDescription("serialisation failed").asRuntimeException();
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
    assertThatThrownBy(() -> link.send(AggregatorMessage.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("serialisation failed");
  }
}
