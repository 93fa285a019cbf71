package org.fedfhir.aggregator.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.fedfhir.aggregator.pki.CertificateAuthority;
import org.fedfhir.aggregator.pki.TlsMaterial;
import org.fedfhir.aggregator.round.Coordinators;
import org.fedfhir.aggregator.round.SecureSum;
import org.fedfhir.aggregator.round.StageTimer;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.federation.Keepalive;
import org.fedfhir.federation.Strategy;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.Join;
import org.fedfhir.federation.v1.SiteMessage;
import org.junit.jupiter.api.Test;

/**
 * A link that goes silent (a cable pulled: no FIN, no RST, nothing) between a site and the aggregator,
 * over real gRPC with mutual TLS: both ends notice by their keepalive pings and end the session, instead
 * of waiting for TCP to give up a quarter of an hour later.
 */
class KeepaliveTest {
  private static final String DIGEST = "42".repeat(32);
  private static final StudyRef STUDY = new StudyRef("http://fedfhir.org/fhir/PlanDefinition/hd", "1");
  private static final Keepalive FAST = new Keepalive(Duration.ofSeconds(1), Duration.ofSeconds(1));

  @Test
  void aSilentLinkEndsTheSessionAtTheSiteAndDropsTheSiteAtTheAggregator() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test network");
    InMemoryStudyStore store = new InMemoryStudyStore();
    store.registerStudy(StudyPlan.training(STUDY, DIGEST).strategy(Strategy.FEDAVG).rounds(1).minSites(3)
        .modelDimension(2).proximalMu(0).build());
    SecureSum never = setup -> {
      throw new AssertionError("no round starts with one site");
    };
    StageTimer noTimer = (delay, task) -> () -> {};
    Coordinators coordinators = Coordinators.startUp(store, never, noTimer, Clock.systemUTC(), Duration.ofSeconds(30),
        FixedPointEncoding.getDefaultInstance()).coordinators();
    Server server = MutualTls.startServer(TlsMaterial.of(ca.issue("aggregator"), ca.certificate()),
        new InetSocketAddress("127.0.0.1", 0), new FederationService(coordinators), FAST);
    try (Cable cable = Cable.to(server.getPort())) {
      ManagedChannel channel = MutualTls.channel(TlsMaterial.of(ca.issue("cleveland"), ca.certificate()), "127.0.0.1",
          cable.port(), FAST);
      CompletableFuture<AggregatorMessage> joined = new CompletableFuture<>();
      CompletableFuture<Status> ended = new CompletableFuture<>();
      StreamObserver<SiteMessage> out = FederationGrpc.newStub(channel).session(new StreamObserver<>() {
        @Override
        public void onNext(AggregatorMessage m) {
          joined.complete(m);
        }

        @Override
        public void onError(Throwable t) {
          ended.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          ended.complete(Status.OK);
        }
      });
      out.onNext(SiteMessage.newBuilder().setJoin(Join.newBuilder().setStudyUrl(STUDY.url())
          .setStudyVersion(STUDY.version()).setModelDimension(2).setSigningPublicKey(ByteString.copyFrom(new byte[32]))
          .setDefinitionDigest(ByteString.copyFrom(HexFormat.of().parseHex(DIGEST)))).build());
      assertThat(joined.get(60, TimeUnit.SECONDS).getJoined().getSiteName()).isEqualTo("cleveland");
      assertThat(coordinators.forStudy(STUDY).orElseThrow().joinedSites()).containsExactly("cleveland");

      cable.unplug();

      assertThat(ended.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!coordinators.forStudy(STUDY).orElseThrow().joinedSites().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50); // polling the aggregator's view, within the deadline
      }
      assertThat(coordinators.forStudy(STUDY).orElseThrow().joinedSites()).as("sites joined at the aggregator").isEmpty();
      channel.shutdownNow();
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** One TCP connection relayed to a port until {@link #unplug}: then nothing more passes, and nothing closes. */
  private static final class Cable implements AutoCloseable {
    private final ServerSocket listener;
    private final CountDownLatch unplugged = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Socket a;
    private volatile Socket b;

    private Cable(ServerSocket listener) {
      this.listener = listener;
    }

    static Cable to(int port) throws IOException {
      Cable c = new Cable(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      Thread t = new Thread(() -> {
        try {
          c.a = c.listener.accept();
          c.b = new Socket(InetAddress.getLoopbackAddress(), port);
          c.pump(c.a, c.b);
          c.pump(c.b, c.a);
        } catch (IOException e) {
          // the test ends
        }
      }, "cable");
      t.setDaemon(true);
      t.start();
      return c;
    }

    int port() {
      return listener.getLocalPort();
    }

    void unplug() {
      unplugged.countDown();
    }

    private void pump(Socket from, Socket to) {
      Thread t = new Thread(() -> {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream()) {
          OutputStream out = to.getOutputStream();
          int n;
          while ((n = in.read(buffer)) > 0) {
            if (unplugged.getCount() == 0) {
              closed.await(); // what was read after the cable was pulled is lost, and so is the rest
              return;
            }
            out.write(buffer, 0, n);
            out.flush();
          }
        } catch (IOException e) {
          // closed by the test
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "cable-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      closed.countDown();
      listener.close();
      for (Socket s : new Socket[] {a, b}) {
        if (s != null) {
          s.close();
        }
      }
    }
  }
}
