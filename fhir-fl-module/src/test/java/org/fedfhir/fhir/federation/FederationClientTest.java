package org.fedfhir.fhir.federation;

import org.fedfhir.federation.Standardisation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fedfhir.federation.Strategy;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.aggregator.grpc.FederationService;
import org.fedfhir.aggregator.grpc.MutualTls;
import org.fedfhir.aggregator.pki.PkiDirectory;
import org.fedfhir.aggregator.pki.TlsFiles;
import org.fedfhir.aggregator.round.Coordinators;
import org.fedfhir.aggregator.round.SecureSum;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.federation.RoundPolicy;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.Binding;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.Participant;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.RoundStart;
import org.fedfhir.federation.v1.SiteMessage;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The site's client over real gRPC with mutual TLS on loopback, with credentials from
 * {@code ./fedfhir pki init}'s directory layout: what a Task's failure reason says when the
 * aggregator refuses the site's study definition, when it cannot be reached, and when the site
 * refuses a round below its own minimum of participants.
 */
class FederationClientTest {
  private static final StudyRef STUDY = new StudyRef("http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr", "1");

  @TempDir
  static Path pki;
  private static Server server;

  @BeforeAll
  static void startAggregator() throws Exception {
    PkiDirectory.init(pki, "test network", List.of("cleveland", "hungarian"));
    InMemoryStudyStore store = new InMemoryStudyStore();
    store.registerStudy(StudyPlan.training(STUDY, "42".repeat(32)).strategy(Strategy.NEWTON).rounds(1).minSites(3).modelDimension(11).proximalMu(0).build());
    SecureSum never = setup -> {
      throw new AssertionError("no round starts with one site");
    };
    Coordinators coordinators = Coordinators.startUp(store, never, (delay, task) -> () -> {}, Clock.systemUTC(),
        Duration.ofSeconds(30), FixedPointEncoding.getDefaultInstance()).coordinators();
    server = MutualTls.startServer(TlsFiles.inPkiDirectory(pki, "aggregator").load(),
        new InetSocketAddress("127.0.0.1", 0), new FederationService(coordinators));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static SiteSession.RoundWork idle() {
    return new SiteSession.TrainingWork() {
      @Override
      public double[] moments() {
        throw new AssertionError("no round");
      }

      @Override
      public double[] train(int round, double[] globalModel, Standardisation s) {
        throw new AssertionError("no round");
      }

      @Override
      public double[] evaluate(double[] model, Standardisation s) {
        throw new AssertionError("no round");
      }
    };
  }

  @Test
  void aSiteHoldingAnotherDefinitionIsToldWhyOverMutualTls() throws Exception {
    try (FederationClient client = FederationClient.mutualTls(new AggregatorAddress("127.0.0.1", server.getPort()),
        SitePkiFiles.locate(pki, "cleveland"))) {
      CompletableFuture<SiteSession.Outcome> outcome = client.join(new SiteSession.Study(STUDY.url(), STUDY.version(),
          HexFormat.of().parseHex("a1".repeat(32)), 11), idle());
      Throwable failure = outcome.handle((o, t) -> t).get(20, TimeUnit.SECONDS);
      assertThat(client.describe(failure))
          .contains("INVALID_ARGUMENT").contains("DEFINITION_MISMATCH").contains("'cleveland'");
    }
  }

  @Test
  void anUnreachableAggregatorIsNamedInTheReason() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (FederationClient client = FederationClient.mutualTls(new AggregatorAddress("127.0.0.1", port),
        SitePkiFiles.locate(pki, "hungarian"))) {
      Throwable failure = client.join(new SiteSession.Study(STUDY.url(), STUDY.version(), new byte[32], 11), idle())
          .handle((o, t) -> t).get(20, TimeUnit.SECONDS);
      assertThat(client.describe(failure)).startsWith("the aggregator at 127.0.0.1:" + port + " is unreachable");
    }
  }

  @Test
  void aRoundBelowTheSitesOwnMinimumIsRefusedAndTheReasonSaysSo() throws Exception {
    // The aggregator starts a round of three, as the study's min-sites 3 allows; this site requires four.
    assertThat(reasonForARoundOfThree(4, null)).isEqualTo("this site refused round 1: 3 participants; this site "
        + "requires at least 4 (study min-sites 3, the site's own minimum 4); the site left the study and contributed "
        + "nothing to that round");
  }

  /** The Task reason of a site with {@code siteMinSites} and {@code ledger} whose aggregator starts a round of three. */
  private static String reasonForARoundOfThree(int siteMinSites, org.fedfhir.federation.ContributionLedger ledger)
      throws Exception {
    String name = io.grpc.inprocess.InProcessServerBuilder.generateName();
    Server threeSites = io.grpc.inprocess.InProcessServerBuilder.forName(name).directExecutor()
        .addService(startingARoundOf(3)).build().start();
    try (FederationClient client = new FederationClient(io.grpc.inprocess.InProcessChannelBuilder.forName(name)
        .directExecutor().build(), "in-process", null, null, siteMinSites, ledger)) {
      Throwable failure = client.join(new SiteSession.Study(STUDY.url(), STUDY.version(), new byte[32], 11,
          RoundPolicy.training(3, null, 1)), idle()).handle((o, t) -> t).get(20, TimeUnit.SECONDS);
      return client.describe(failure);
    } finally {
      threeSites.shutdownNow();
    }
  }

  @Test
  void aTrainingSessionIsHeldToTheSitesItsHospitalsLedgerRecordsForTheStudyAndTheReasonSaysSo() throws Exception {
    // An earlier session of the study unmasked this site's moments among four sites; the aggregator now asks among three.
    org.fedfhir.federation.ContributionLedger ledger = org.fedfhir.federation.ContributionLedger.inMemory();
    ledger.record("00".repeat(32), List.of("STANDARDISE"), new org.fedfhir.federation.ContributionLedger.Entry(
        new java.util.TreeSet<>(List.of("site-1", "site-2", "site-3", "site-4")), true));
    assertThat(reasonForARoundOfThree(3, ledger)).isEqualTo("this site refused round 1: it asks again for this "
        + "site's STANDARDISE contribution to this study, among other participants (site-1, site-2, site-3, site-4 "
        + "before, site-1, site-2, site-3 now); the site left the study and contributed nothing to that round");
  }

  @Test
  void peerPinsAreReadFromTheSitesSettingAndAnEntryWithoutASiteNameIsRefused() {
    assertThat(FederationClient.peerPins(" cleveland = " + "ab".repeat(32) + ",va=" + "CD".repeat(32)))
        .containsExactly(java.util.Map.entry("cleveland", "ab".repeat(32)), java.util.Map.entry("va", "CD".repeat(32)));
    assertThat(FederationClient.peerPins("")).isEmpty();
    assertThatThrownBy(() -> FederationClient.peerPins("cleveland")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fedfhir.federation.peer-pins entry 'cleveland': need site=sha256hex (the SHA-256 of the site "
            + "certificate's SubjectPublicKeyInfo)");
  }

  /** An aggregator that answers a Join with the start of a round among {@code n} participants. */
  private static FederationGrpc.FederationImplBase startingARoundOf(int n) {
    return new FederationGrpc.FederationImplBase() {
      @Override
      public StreamObserver<SiteMessage> session(StreamObserver<AggregatorMessage> out) {
        return new StreamObserver<>() {
          @Override
          public void onNext(SiteMessage m) {
            RoundStart.Builder start = RoundStart.newBuilder().setPhase(Phase.STANDARDISE).setThreshold(n)
                .setBinding(Binding.newBuilder().setRound(1));
            for (int i = 1; i <= n; i++) {
              start.addParticipants(Participant.newBuilder().setIndex(i).setSiteName("site-" + i));
            }
            out.onNext(AggregatorMessage.newBuilder().setRoundStart(start).build());
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

  @Test
  void aSiteWithoutCredentialsInTheDirectoryIsToldWhereTheyShouldBe() {
    assertThatThrownBy(() -> SitePkiFiles.locate(pki, "zurich"))
        .hasMessageContaining("zurich-cert.pem is missing").hasMessageContaining("./fedfhir pki init");
    assertThat(AggregatorAddress.parse("localhost:9090")).isEqualTo(new AggregatorAddress("localhost", 9090));
    assertThatThrownBy(() -> AggregatorAddress.parse("localhost")).hasMessageContaining("need host:port");
  }
}
