package org.fedfhir.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.GlobalModel;
import org.fedfhir.federation.v1.Participant;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.RoundStart;
import org.fedfhir.federation.v1.SiteMessage;
import org.junit.jupiter.api.Test;

/** A site holds every round the aggregator starts to the study limits, before it computes anything. */
class StudyLimitsTest {

  private static RoundStart.Builder roundStart() {
    return RoundStart.newBuilder().setPhase(Phase.STANDARDISE).setTrainingRounds(20);
  }

  private static GlobalModel model(int length) {
    return GlobalModel.newBuilder().addAllWeights(Collections.nCopies(length, 0.0)).build();
  }

  @Test
  void aRoundStartAtEveryLimitIsWithinThem() {
    RoundStart start = roundStart().setTrainingRounds(StudyLimits.MAX_ROUNDS)
        .addAllParticipants(Collections.nCopies(StudyLimits.MAX_SITES, Participant.getDefaultInstance()))
        .setGlobalModel(model(StudyLimits.MAX_VECTOR_LENGTH)).build();

    assertThatCode(() -> StudyLimits.requireWithin(start)).doesNotThrowAnyException();
  }

  @Test
  void moreTrainingRoundsThanTheLimitAreRefused() {
    assertThatThrownBy(() -> StudyLimits.requireWithin(roundStart().setTrainingRounds(1001).build()))
        .isInstanceOf(StudyLimits.ExceededException.class)
        .hasMessage("round start training_rounds of 1001 exceeds the limit 1000 (docs/study-format.md, Limits)");
  }

  @Test
  void moreParticipantsThanTheLimitAreRefused() {
    RoundStart start = roundStart()
        .addAllParticipants(Collections.nCopies(StudyLimits.MAX_SITES + 1, Participant.getDefaultInstance())).build();

    assertThatThrownBy(() -> StudyLimits.requireWithin(start)).isInstanceOf(StudyLimits.ExceededException.class)
        .hasMessageContaining("participants of 1001 exceeds the limit 1000");
  }

  @Test
  void aGlobalModelLongerThanTheVectorLimitIsRefused() {
    RoundStart start = roundStart().setGlobalModel(model(StudyLimits.MAX_VECTOR_LENGTH + 1)).build();

    assertThatThrownBy(() -> StudyLimits.requireWithin(start)).isInstanceOf(StudyLimits.ExceededException.class)
        .hasMessageContaining("global_model.weights of 1000001 exceeds the limit 1000000");
  }

  @Test
  void aStandardisationLongerThanTheVectorLimitIsRefused() {
    RoundStart.Builder start = roundStart();
    start.getStandardisationBuilder().addAllSds(Collections.nCopies(StudyLimits.MAX_VECTOR_LENGTH + 1, 1.0));

    assertThatThrownBy(() -> StudyLimits.requireWithin(start.build()))
        .isInstanceOf(StudyLimits.ExceededException.class)
        .hasMessageContaining("standardisation of 1000001 exceeds the limit 1000000");
  }

  @Test
  void aSiteSessionRefusesARoundBeyondTheLimitsAndComputesNothing() throws Exception {
    AtomicInteger computed = new AtomicInteger();
    String name = InProcessServerBuilder.generateName();
    Server server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(announcing(roundStart().setTrainingRounds(StudyLimits.MAX_ROUNDS + 1).build())).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      SiteSession.TrainingWork work = new SiteSession.TrainingWork() {
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
      SiteSession session = new SiteSession(FederationGrpc.newStub(channel),
          new SiteSession.Study("http://example.org/study", "1", new byte[32], 4), work, new SecureRandom());

      assertThatThrownBy(() -> session.start().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).cause().isInstanceOf(StudyLimits.ExceededException.class)
          .hasMessageContaining("training_rounds of 1001 exceeds the limit 1000");
      assertThat(computed).hasValue(0);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** An aggregator that answers the Join with {@code start}. */
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
}
