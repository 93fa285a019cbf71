package org.fedfhir.aggregator.network;

import org.fedfhir.federation.Standardisation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.fedfhir.federation.Strategy;
import org.awaitility.Awaitility;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.RoundStart;
import org.fedfhir.aggregator.config.AggregatorApplication;
import org.fedfhir.aggregator.config.AggregatorConfiguration.FederationServer;
import org.fedfhir.aggregator.config.AggregatorSettings;
import org.fedfhir.aggregator.grpc.MutualTls;
import org.fedfhir.aggregator.pki.PartyName;
import org.fedfhir.aggregator.pki.PkiDirectory;
import org.fedfhir.aggregator.pki.TlsFiles;
import org.fedfhir.aggregator.store.RoundRecord;
import org.fedfhir.aggregator.store.RoundState;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStatus;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.testing.DyingSite;
import org.fedfhir.federation.Payloads;
import org.fedfhir.federation.SessionKeyEndorsement;
import org.fedfhir.federation.SiteSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The aggregator as it runs in production — Spring context, H2 file, mutual-TLS gRPC on loopback
 * with certificates from the network PKI — and sites as {@link SiteSession}s over their own TLS
 * channels, with the real secure-aggregation protocol.
 */
@Tag("slow")
class RealNetworkTest {

  private static final String DIGEST = "5a".repeat(32);
  private static final StudyRef STUDY = new StudyRef("http://fedfhir.org/fhir/PlanDefinition/network-test", "1");

  @TempDir
  Path dir;

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  private ConfigurableApplicationContext startAggregator() {
    return startAggregator(Duration.ofSeconds(15));
  }

  private ConfigurableApplicationContext startAggregator(Duration stageTimeout) {
    ConfigurableApplicationContext ctx = AggregatorApplication.start(new AggregatorSettings("127.0.0.1", 0,
        dir.resolve("db/aggregator").toString(), TlsFiles.inPkiDirectory(dir.resolve("pki"), PartyName.AGGREGATOR),
        stageTimeout, AggregatorSettings.FhirEndpoint.NONE));
    contexts.add(ctx);
    return ctx;
  }

  private ManagedChannel tlsChannel(String site, int port) {
    ManagedChannel ch = MutualTls.channel(TlsFiles.inPkiDirectory(dir.resolve("pki"), site).load(), "127.0.0.1", port);
    channels.add(ch);
    return ch;
  }

  /** Site {@code site} joins over {@code channel}, its session key endorsed by its network certificate. */
  private CompletableFuture<SiteSession.Outcome> join(String site, Channel channel, SiteSession.TrainingWork work) {
    Path pki = dir.resolve("pki");
    return new SiteSession(FederationGrpc.newStub(channel),
        new SiteSession.Study(STUDY.url(), STUDY.version(), HexFormat.of().parseHex(DIGEST), 4), work,
        new SecureRandom())
        .endorsedBy(SessionKeyEndorsement.Signer.fromPem(PkiDirectory.certificateFile(pki, site),
            PkiDirectory.keyFile(pki, site)), SessionKeyEndorsement.Verifier.fromPem(PkiDirectory.caCertificateFile(pki)))
        .start();
  }

  /** One feature with rows equal to 1; trains to {@code weights} in both label rows; slow by {@code delayMillis}. */
  private static SiteSession.TrainingWork site(double[] weights, long samples, long delayMillis) {
    return new SiteSession.TrainingWork() {
      @Override
      public double[] moments() {
        return new double[] {samples, samples, samples};
      }

      @Override
      public double[] train(int round, double[] global, Standardisation s) {
        try { // a slow site on purpose: keeps a round in flight long enough to crash the aggregator in it
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Payloads.weightedModel(new double[] {weights[0], weights[1], weights[0], weights[1]}, samples);
      }

      @Override
      public double[] evaluate(double[] model, Standardisation s) {
        return new double[] {1, 0, 1, 0, 0.5};
      }
    };
  }

  private static void await(BooleanSupplier condition, String what) {
    Awaitility.await(what).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
        .until(condition::getAsBoolean);
  }

  @Test
  void aHospitalKilledInTheMiddleOfARoundOverMutualTlsLeavesTheOthersToCompleteIt() throws Exception {
    PkiDirectory.init(dir.resolve("pki"), "test network", List.of("a", "b", "c", "d"));
    ConfigurableApplicationContext ctx = startAggregator();
    StudyStore store = ctx.getBean(StudyStore.class);
    store.registerStudy(StudyPlan.training(STUDY, DIGEST).strategy(Strategy.FEDAVG).rounds(1).minSites(3).threshold(3).modelDimension(4).build());
    int port = ctx.getBean(FederationServer.class).port();

    // Hospital d's process dies when the others' shares of the training round reach it.
    ManagedChannel doomed = tlsChannel("d", port);
    Channel dying = ClientInterceptors.intercept(doomed, DyingSite.dieOn(m -> m.hasSharesDelivery()
        && m.getSharesDelivery().getBinding().getRound() == 2, doomed::shutdownNow));
    List<CompletableFuture<SiteSession.Outcome>> survivors = new ArrayList<>();
    survivors.add(join("a", tlsChannel("a", port), site(new double[] {1, 2}, 10, 0)));
    survivors.add(join("b", tlsChannel("b", port), site(new double[] {3, 4}, 30, 0)));
    survivors.add(join("c", tlsChannel("c", port), site(new double[] {5, 6}, 60, 0)));
    join("d", dying, site(new double[] {100, 100}, 1000, 0));

    for (CompletableFuture<SiteSession.Outcome> outcome : survivors) {
      assertThat(outcome.get(90, TimeUnit.SECONDS).completedRounds()).isEqualTo(3);
    }
    RoundRecord training = store.rounds(STUDY).stream().filter(r -> r.number() == 2).reduce((x, y) -> y).orElseThrow();
    assertThat(training.state()).isEqualTo(RoundState.COMPLETED);
    assertThat(training.dropouts()).contains("d");
    assertThat(store.latestModel(STUDY).orElseThrow().model().toArray())
        .containsExactly(new double[] {4, 5, 4, 5}, within(1e-6));
  }

  @Test
  void aKeySubstitutedByTheAggregatorIsRefusedAndTheSiteSendsNothingInThatRound() throws Exception {
    PkiDirectory.init(dir.resolve("pki"), "test network", List.of("a", "b", "c", "d"));
    ConfigurableApplicationContext ctx = startAggregator(Duration.ofSeconds(2));
    StudyStore store = ctx.getBean(StudyStore.class);
    // min-sites 4: every round starts with a and d among its participants
    store.registerStudy(StudyPlan.training(STUDY, DIGEST).strategy(Strategy.FEDAVG).rounds(1).minSites(4).threshold(3).modelDimension(4).build());
    int port = ctx.getBean(FederationServer.class).port();

    // What site d receives is what an active aggregator would send it: site a's session key replaced by
    // one whose private half the aggregator holds (so that it could impersonate a towards d).
    byte[] substitute = org.fedfhir.securecompute.crypto.Ed25519.generate(new SecureRandom()).publicKey();
    java.util.concurrent.atomic.AtomicInteger sentByD = new java.util.concurrent.atomic.AtomicInteger();
    Channel tampered = ClientInterceptors.intercept(tlsChannel("d", port), new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void sendMessage(Q message) {
            if (message instanceof org.fedfhir.federation.v1.SiteMessage m && !m.hasJoin()) {
              sentByD.incrementAndGet();
            }
            super.sendMessage(message);
          }

          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              @SuppressWarnings("unchecked")
              public void onMessage(R message) {
                if (message instanceof AggregatorMessage m && m.hasRoundStart()) {
                  RoundStart.Builder start = m.getRoundStart().toBuilder();
                  for (int i = 0; i < start.getParticipantsCount(); i++) {
                    if (start.getParticipants(i).getSiteName().equals("a")) {
                      start.setParticipants(i, start.getParticipants(i).toBuilder()
                          .setSigningPublicKey(com.google.protobuf.ByteString.copyFrom(substitute)));
                    }
                  }
                  message = (R) m.toBuilder().setRoundStart(start).build();
                }
                super.onMessage(message);
              }
            }, headers);
          }
        };
      }
    });
    List<CompletableFuture<SiteSession.Outcome>> honest = new ArrayList<>();
    honest.add(join("a", tlsChannel("a", port), site(new double[] {1, 2}, 10, 0)));
    honest.add(join("b", tlsChannel("b", port), site(new double[] {3, 4}, 30, 0)));
    honest.add(join("c", tlsChannel("c", port), site(new double[] {5, 6}, 60, 0)));
    join("d", tampered, site(new double[] {100, 100}, 1000, 0));

    for (CompletableFuture<SiteSession.Outcome> outcome : honest) {
      assertThat(outcome.get(90, TimeUnit.SECONDS).completedRounds()).isEqualTo(3);
    }
    assertThat(sentByD).as("d advertised no key, sent no share and no masked input").hasValue(0);
    assertThat(store.rounds(STUDY)).filteredOn(r -> r.state() == RoundState.COMPLETED)
        .allSatisfy(r -> assertThat(r.dropouts()).contains("d"));
    assertThat(store.latestModel(STUDY).orElseThrow().model().toArray()).as("d's 100s are in no sum")
        .containsExactly(new double[] {4, 5, 4, 5}, within(1e-6));
  }

  @Test
  void theAggregatorKilledInTheMiddleOfAStudyLosesAndDuplicatesNoRoundAfterItsRestart() throws Exception {
    PkiDirectory.init(dir.resolve("pki"), "test network", List.of("a", "b", "c"));
    Map<String, double[]> weights = new TreeMap<>(Map.of("a", new double[] {1, 2}, "b", new double[] {3, 4},
        "c", new double[] {5, 6}));
    Map<String, Long> samples = Map.of("a", 10L, "b", 30L, "c", 60L);
    java.util.concurrent.atomic.AtomicInteger roundsSeen = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger trainingIn = new java.util.concurrent.atomic.AtomicInteger();

    // The aggregator runs in a process of its own, which is killed (SIGKILL) while a round is in flight.
    Process aggregator = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AggregatorProcess.class.getName(), dir.toString(),
        STUDY.url(), STUDY.version(), DIGEST, "6")
        .redirectError(dir.resolve("aggregator.err").toFile()).start();
    try {
      int port = readPort(aggregator);
      for (String s : weights.keySet()) {
        SiteSession.TrainingWork slow = site(weights.get(s), samples.get(s), 150);
        join(s, tlsChannel(s, port), "a".equals(s) ? new CountingWork(slow, roundsSeen, trainingIn)
            : new CountingWork(slow, null, null));
      }
      await(() -> roundsSeen.get() >= 3, "three rounds before the crash");
      // Round 4 is under way once site a trains in it, which takes it 150 ms.
      await(() -> trainingIn.get() >= 4, "site a training in round 4");
    } finally {
      aggregator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    channels.forEach(ManagedChannel::shutdownNow);
    channels.clear();

    ConfigurableApplicationContext restarted = startAggregator();
    StudyStore recovered = restarted.getBean(StudyStore.class);
    int port = restarted.getBean(FederationServer.class).port();
    for (String s : weights.keySet()) {
      join(s, tlsChannel(s, port), site(weights.get(s), samples.get(s), 0));
    }
    await(() -> recovered.status(STUDY).orElseThrow() == StudyStatus.COMPLETED, "the study to complete");

    List<RoundRecord> rounds = recovered.rounds(STUDY);
    List<Integer> completed = rounds.stream().filter(r -> r.state() == RoundState.COMPLETED)
        .map(RoundRecord::number).toList();
    assertThat(completed).as("every round completed exactly once, in order").containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(rounds).filteredOn(r -> r.state() == RoundState.IN_FLIGHT).isEmpty();
    // The round in flight at the crash was aborted at the restart and run again.
    assertThat(rounds).filteredOn(r -> r.state() == RoundState.ABORTED)
        .anySatisfy(r -> assertThat(r.abortReason()).isEqualTo(org.fedfhir.aggregator.round.Coordinators.RESTART_REASON))
        .allSatisfy(r -> assertThat(rounds).anySatisfy(again -> {
          assertThat(again.number()).isEqualTo(r.number());
          assertThat(again.attempt()).isGreaterThan(r.attempt());
          assertThat(again.state()).isEqualTo(RoundState.COMPLETED);
        }));
    assertThat(recovered.latestModel(STUDY).orElseThrow().model().toArray())
        .containsExactly(new double[] {4, 5, 4, 5}, within(1e-6));
  }

  private static int readPort(Process process) throws Exception {
    java.io.BufferedReader out = new java.io.BufferedReader(
        new java.io.InputStreamReader(process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
    CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.startsWith("PORT ")) {
            return Integer.parseInt(line.substring(5).trim());
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      throw new IllegalStateException("the aggregator process ended without listening");
    });
    return port.get(120, TimeUnit.SECONDS);
  }

  /**
   * Counts a site's completed rounds and records the round it trains in (for the test to know when to
   * crash the aggregator); {@code null} counters are not kept.
   */
  private record CountingWork(SiteSession.TrainingWork work, java.util.concurrent.atomic.AtomicInteger counter,
      java.util.concurrent.atomic.AtomicInteger trainingIn) implements SiteSession.TrainingWork {
    @Override
    public double[] moments() {
      return work.moments();
    }

    @Override
    public double[] train(int round, double[] global, Standardisation s) {
      if (trainingIn != null) {
        trainingIn.set(round);
      }
      return work.train(round, global, s);
    }

    @Override
    public double[] evaluate(double[] model, Standardisation s) {
      return work.evaluate(model, s);
    }

    @Override
    public void roundCompleted(SiteSession.RoundResult result) {
      if (counter != null) {
        counter.incrementAndGet();
      }
    }
  }
}
