package org.fedfhir.aggregator.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.MethodDescriptor;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fedfhir.aggregator.api.v1.AggregatorMessage;
import org.fedfhir.aggregator.api.v1.FederationGrpc;
import org.fedfhir.aggregator.api.v1.FixedPointEncoding;
import org.fedfhir.aggregator.grpc.FederationService;
import org.fedfhir.aggregator.grpc.PeerIdentity;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.RoundRecord;
import org.fedfhir.aggregator.store.RoundState;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.strategy.Payloads;
import org.fedfhir.federation.SiteSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whole rounds with the real secure-aggregation protocol: the coordinator and {@link
 * SecAggSecureSum} at the aggregator, {@link SiteSession}s at the sites, over gRPC (in-process
 * transport, concurrent executors).
 */
class SecureAggregationRoundTest {

  private static final String DIGEST = "a1".repeat(32);
  private static final StudyRef STUDY = new StudyRef("http://fedfhir.org/fhir/PlanDefinition/secagg-test", "1");
  private static final Metadata.Key<String> SITE = Metadata.Key.of("x-test-site", Metadata.ASCII_STRING_MARSHALLER);
  private static final FixedPointEncoding ENCODING = FixedPointEncoding.newBuilder()
      .setModulusBits(64).setFractionBits(24).setClip(1 << 20).build();

  private static final java.util.concurrent.ScheduledExecutorService DEADLINES =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

  private final StudyStore store = new InMemoryStudyStore();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private Server server;
  private String serverName;

  private static final class HeaderIdentity implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      return Contexts.interceptCall(Context.current().withValue(PeerIdentity.NAME, headers.get(SITE)),
          call, headers, next);
    }
  }

  private void startAggregator(StudyPlan plan) throws Exception {
    store.registerStudy(plan);
    Coordinators.Recovered recovered = Coordinators.startUp(store, new SecAggSecureSum(),
        (delay, task) -> {
          var f = DEADLINES.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
          return () -> f.cancel(false);
        }, Clock.systemUTC(), Duration.ofSeconds(20), ENCODING);
    serverName = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(serverName)
        .addService(ServerInterceptors.intercept(new FederationService(recovered.coordinators()), new HeaderIdentity()))
        .build().start();
  }

  private ManagedChannel channel(String site) {
    Metadata h = new Metadata();
    h.put(SITE, site);
    ManagedChannel ch = InProcessChannelBuilder.forName(serverName)
        .intercept(MetadataUtils.newAttachHeadersInterceptor(h)).build();
    channels.add(ch);
    return ch;
  }

  /** A site's channel that dies, like its process, when the first message matching {@code when} arrives. */
  private ManagedChannel channelDyingAt(java.util.function.Predicate<AggregatorMessage> when, Runnable die) {
    Metadata h = new Metadata();
    h.put(SITE, "d");
    ClientInterceptor killer = new ClientInterceptor() {
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
    ManagedChannel ch = InProcessChannelBuilder.forName(serverName)
        .intercept(killer, MetadataUtils.newAttachHeadersInterceptor(h)).build();
    channels.add(ch);
    return ch;
  }

  private CompletableFuture<SiteSession.Outcome> join(ManagedChannel channel, SiteSession.RoundWork work) {
    return new SiteSession(FederationGrpc.newStub(channel),
        new SiteSession.Study(STUDY.url(), STUDY.version(), HexFormat.of().parseHex(DIGEST), 2), work,
        new SecureRandom()).start();
  }

  private static SiteSession.RoundWork fixed(double[] weights, long samples) {
    return (round, global) -> Payloads.weightedModel(weights, samples);
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void fourSitesAverageTheirModelsUnderSecureAggregation() throws Exception {
    startAggregator(new StudyPlan(STUDY, DIGEST, "fedavg", 2, 4, 0, 2, 0.1, 0.01, 0));
    List<CompletableFuture<SiteSession.Outcome>> outcomes = List.of(
        join(channel("a"), fixed(new double[] {1, 2}, 10)),
        join(channel("b"), fixed(new double[] {3, 4}, 30)),
        join(channel("c"), fixed(new double[] {5, 6}, 40)),
        join(channel("d"), fixed(new double[] {-7, 0.5}, 20)));

    for (CompletableFuture<SiteSession.Outcome> outcome : outcomes) {
      SiteSession.Outcome o = outcome.get(60, TimeUnit.SECONDS);
      assertThat(o.completedRounds()).isEqualTo(2);
    }
    double[] expected = {(10 * 1 + 30 * 3 + 40 * 5 + 20 * -7) / 100.0, (10 * 2 + 30 * 4 + 40 * 6 + 20 * 0.5) / 100.0};
    assertThat(store.latestModel(STUDY).orElseThrow().model().toArray()).containsExactly(expected, within(1e-6));
    assertThat(store.rounds(STUDY)).extracting(RoundRecord::state)
        .containsExactly(RoundState.COMPLETED, RoundState.COMPLETED);
  }

  @Test
  void aHospitalKilledInTheMiddleOfARoundLeavesTheOthersToCompleteIt() throws Exception {
    startAggregator(new StudyPlan(STUDY, DIGEST, "fedavg", 1, 4, 3, 2, 0.1, 0.01, 0));
    // Hospital d's process dies once it has shared its keys, when the shares of the others reach
    // it: the aggregator must remove d's pairwise masks from the others' inputs.
    AtomicInteger killed = new AtomicInteger();
    ManagedChannel[] doomed = new ManagedChannel[1];
    doomed[0] = channelDyingAt(AggregatorMessage::hasSharesDelivery, () -> {
      killed.incrementAndGet();
      doomed[0].shutdownNow();
    });
    SiteSession.RoundWork dies = fixed(new double[] {100, 100}, 1000);
    List<CompletableFuture<SiteSession.Outcome>> survivors = List.of(
        join(channel("a"), fixed(new double[] {1, 2}, 10)),
        join(channel("b"), fixed(new double[] {3, 4}, 30)),
        join(channel("c"), fixed(new double[] {5, 6}, 60)));
    join(doomed[0], dies);

    for (CompletableFuture<SiteSession.Outcome> outcome : survivors) {
      assertThat(outcome.get(60, TimeUnit.SECONDS).completedRounds()).isEqualTo(1);
    }
    assertThat(killed.get()).isEqualTo(1);
    RoundRecord round = store.rounds(STUDY).get(store.rounds(STUDY).size() - 1);
    assertThat(round.state()).isEqualTo(RoundState.COMPLETED);
    assertThat(round.dropouts()).containsExactly("d");
    assertThat(store.latestModel(STUDY).orElseThrow().model().toArray())
        .containsExactly(new double[] {4.0, 5.0}, within(1e-6));
  }
}
