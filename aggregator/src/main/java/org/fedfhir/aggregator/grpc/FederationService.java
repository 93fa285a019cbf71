package org.fedfhir.aggregator.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.Join;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.aggregator.round.Coordinators;
import org.fedfhir.aggregator.round.ProtocolViolation;
import org.fedfhir.aggregator.round.ProtocolViolation.Kind;
import org.fedfhir.aggregator.round.StudySession;
import org.fedfhir.aggregator.store.StudyRef;

/**
 * The {@code Federation} service: each site's session. The site is who its certificate says
 * ({@link PeerIdentity}); its first message must be a {@link Join} for a published study, after
 * which its messages go to that study's {@link StudySession}. A thin edge: all decisions are
 * the session's.
 */
public final class FederationService extends FederationGrpc.FederationImplBase {

  private final Coordinators coordinators;

  public FederationService(Coordinators coordinators) {
    this.coordinators = coordinators;
  }

  @Override
  public StreamObserver<SiteMessage> session(StreamObserver<AggregatorMessage> out) {
    String site = PeerIdentity.current();
    if (site == null) {
      out.onError(Status.UNAUTHENTICATED.withDescription("no authenticated site identity")
          .asRuntimeException());
      return new Ignoring();
    }
    GrpcSiteLink link = new GrpcSiteLink(site, out);
    return new StreamObserver<>() {
      private StudySession study;

      @Override
      public void onNext(SiteMessage message) {
        if (study != null) {
          study.onMessage(site, message);
          return;
        }
        try {
          study = join(link, message);
        } catch (ProtocolViolation v) {
          link.refuse(v);
        }
      }

      @Override
      public void onError(Throwable t) {
        link.markEnded();
        if (study != null) {
          study.onDisconnect(link);
        }
      }

      @Override
      public void onCompleted() {
        if (study != null) {
          study.onDisconnect(link);
        }
        link.close();
      }
    };
  }

  private StudySession join(GrpcSiteLink link, SiteMessage message) throws ProtocolViolation {
    if (!message.hasJoin()) {
      throw new ProtocolViolation(Kind.NOT_JOINED, "the first message of a session must be Join; got "
          + message.getBodyCase());
    }
    Join join = message.getJoin();
    StudyRef ref;
    try {
      ref = new StudyRef(join.getStudyUrl(), join.getStudyVersion());
    } catch (IllegalArgumentException e) {
      throw new ProtocolViolation(Kind.MALFORMED, e.getMessage());
    }
    StudySession s = coordinators.forStudy(ref).orElseThrow(() -> new ProtocolViolation(Kind.UNKNOWN_STUDY,
        coordinators.isStatistics(ref) ? "statistics study " + ref + " must be published again since the aggregator restarted"
            : "study " + ref + " is not published at this aggregator"));
    s.join(link, join);
    return s;
  }

  private static final class Ignoring implements StreamObserver<SiteMessage> {
    @Override
    public void onNext(SiteMessage value) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
