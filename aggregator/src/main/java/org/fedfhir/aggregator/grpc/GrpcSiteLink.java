package org.fedfhir.aggregator.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.aggregator.round.ProtocolViolation;
import org.fedfhir.aggregator.round.SiteLink;

/** A site's session stream as the coordinator sees it. Once ended, further sends are dropped. */
final class GrpcSiteLink implements SiteLink {

  private final String siteName;
  private final StreamObserver<AggregatorMessage> out;
  private boolean ended;

  GrpcSiteLink(String siteName, StreamObserver<AggregatorMessage> out) {
    this.siteName = siteName;
    this.out = out;
  }

  @Override
  public String siteName() {
    return siteName;
  }

  /**
   * Sends {@code message} unless the stream ended. A call the site cancelled (its process died) is
   * only marked ended by the {@code onError} that follows the cancellation; a send in between
   * makes gRPC throw CANCELLED, which would otherwise unwind the coordinator in the middle of
   * starting a stage for every other site, leaving them waiting for messages never sent.
   */
  @Override
  public synchronized void send(AggregatorMessage message) {
    if (ended) {
      return;
    }
    try {
      out.onNext(message);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.CANCELLED) {
        throw e;
      }
      ended = true;
    }
  }

  @Override
  public synchronized void refuse(ProtocolViolation violation) {
    if (!ended) {
      ended = true;
      out.onError(Statuses.of(violation).asRuntimeException());
    }
  }

  @Override
  public synchronized void close() {
    if (!ended) {
      ended = true;
      out.onCompleted();
    }
  }

  /** The site ended the stream or it broke: nothing more can be sent. */
  synchronized void markEnded() {
    ended = true;
  }

  @Override
  public String toString() {
    return "GrpcSiteLink[" + siteName + "]";
  }
}
