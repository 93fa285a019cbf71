package org.fedfhir.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.RoundStart;
import org.fedfhir.federation.v1.SiteMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A site's session against an aggregator that announces a round of the other kind of study: the
 * site computes nothing for it and the session ends with the reason.
 */
class SiteSessionTest {
  private static final SiteSession.Study STUDY = new SiteSession.Study("http://example.org/study", "1",
      new byte[32], 4);

  private Server server;
  private ManagedChannel channel;
  private final AtomicInteger computed = new AtomicInteger();

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void aTrainingSiteRefusesAStatisticsRound() throws Exception {
    assertThatThrownBy(() -> session(Phase.STATISTICS, training()).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a training study has no STATISTICS round");
    assertThat(computed).hasValue(0);
  }

  @Test
  void aStatisticsSiteRefusesATrainingRound() throws Exception {
    assertThatThrownBy(() -> session(Phase.TRAIN, statistics()).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a statistics study has no TRAIN round");
    assertThat(computed).hasValue(0);
  }

  @Test
  void aStatisticsSiteWithoutRegressionsRefusesANewtonIteration() throws Exception {
    assertThatThrownBy(() -> session(Phase.STATISTICS_ITERATION, statistics()).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("declares no logistic regression");
    assertThat(computed).hasValue(0);
  }

  @Test
  void aRoundWithoutAPhaseIsRefused() throws Exception {
    assertThatThrownBy(() -> session(Phase.PHASE_UNSPECIFIED, training()).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().hasMessage("round start without a phase");
  }

  @Test
  void aRoundBeyondTheStudyLimitsIsRefusedBeforeAnythingIsComputed() throws Exception {
    RoundStart endless = RoundStart.newBuilder().setPhase(Phase.STANDARDISE)
        .setTrainingRounds(StudyLimits.MAX_ROUNDS + 1).build();

    assertThatThrownBy(() -> session(endless, training()).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(StudyLimits.ExceededException.class)
        .hasMessageContaining("training_rounds of 1001 exceeds the limit 1000");
    assertThat(computed).hasValue(0);
  }

  /** Joins an aggregator that answers the Join with a round of {@code phase}. */
  private CompletableFuture<SiteSession.Outcome> session(Phase phase, SiteSession.RoundWork work) throws Exception {
    return session(RoundStart.newBuilder().setPhase(phase).build(), work);
  }

  /** Joins an aggregator that answers the Join with {@code start}. */
  private CompletableFuture<SiteSession.Outcome> session(RoundStart start, SiteSession.RoundWork work)
      throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(announcing(start)).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return new SiteSession(FederationGrpc.newStub(channel), STUDY, work, new SecureRandom()).start();
  }

  private static FederationGrpc.FederationImplBase announcing(RoundStart start) {
    return new FederationGrpc.FederationImplBase() {
      @Override
      public StreamObserver<SiteMessage> session(StreamObserver<AggregatorMessage> out) {
        return new StreamObserver<>() {
          @Override
          public void onNext(SiteMessage m) {
            if (m.hasJoin()) {
              out.onNext(AggregatorMessage.newBuilder().setRoundStart(start).build());
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            out.onCompleted();
          }
        };
      }
    };
  }

  private SiteSession.TrainingWork training() {
    return new SiteSession.TrainingWork() {
      @Override
      public double[] moments() {
        computed.incrementAndGet();
        return new double[3];
      }

      @Override
      public double[] train(int round, double[] globalModel, Standardisation standardisation) {
        computed.incrementAndGet();
        return new double[4];
      }

      @Override
      public double[] evaluate(double[] model, Standardisation standardisation) {
        computed.incrementAndGet();
        return new double[5];
      }
    };
  }

  private SiteSession.StatisticsWork statistics() {
    return (round, threshold) -> {
      computed.incrementAndGet();
      return new double[4];
    };
  }
}
