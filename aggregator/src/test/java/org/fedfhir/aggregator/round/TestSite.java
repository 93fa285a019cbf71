package org.fedfhir.aggregator.round;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.fedfhir.federation.MetricTail;
import org.fedfhir.federation.v1.AdvertiseKeys;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.Binding;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.Join;
import org.fedfhir.federation.v1.MaskedInput;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.Stage;
import org.fedfhir.federation.v1.Uint64Vector;

/**
 * A scripted site for tests: joins a study and answers the aggregator's requests on its own thread
 * (as a real site would), contributing a plaintext payload for {@link PlaintextSecureSum}.
 */
final class TestSite implements AutoCloseable {

  /** What the site sends at MASKED_INPUT, given the binding and its honest message. */
  interface Tamper extends BiFunction<Binding, SiteMessage, List<SiteMessage>> {}

  final String name;
  final List<AggregatorMessage> received = new CopyOnWriteArrayList<>();
  final CountDownLatch ended = new CountDownLatch(1);
  volatile Status status;
  volatile double[] payload;
  volatile Tamper tamper = (b, honest) -> List.of(honest);
  volatile boolean silentAtMaskedInput;
  /** The phase in which {@link #tamper} and {@link #silentAtMaskedInput} apply; honest in the others. */
  volatile Phase misbehaveIn = Phase.TRAIN;
  private volatile Phase phase = Phase.PHASE_UNSPECIFIED;
  private final Set<Phase> maskedInputSent = ConcurrentHashMap.newKeySet();
  private final ExecutorService thread;
  private StreamObserver<SiteMessage> toAggregator;

  private final int features;

  TestSite(String name, double[] payload) {
    this.name = name;
    this.payload = payload;
    this.features = (payload.length - 1) / 2 - 1;
    this.thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "site-" + name));
  }

  void join(Channel channel, String url, String version, String digestHex, int dimension) {
    toAggregator = FederationGrpc.newStub(channel).session(new StreamObserver<>() {
      @Override
      public void onNext(AggregatorMessage m) {
        received.add(m);
        thread.execute(() -> answer(m));
      }

      @Override
      public void onError(Throwable t) {
        status = Status.fromThrowable(t);
        ended.countDown();
      }

      @Override
      public void onCompleted() {
        status = Status.OK;
        ended.countDown();
      }
    });
    send(SiteMessage.newBuilder().setJoin(Join.newBuilder().setStudyUrl(url).setStudyVersion(version)
        .setDefinitionDigest(ByteString.copyFrom(HexFormat.of().parseHex(digestHex)))
        .setModelDimension(dimension).setSigningPublicKey(ByteString.copyFrom(new byte[32]))).build());
  }

  private void answer(AggregatorMessage m) {
    if (m.hasRoundStart()) {
      phase = m.getRoundStart().getPhase();
      Binding b = m.getRoundStart().getBinding();
      send(SiteMessage.newBuilder().setAdvertiseKeys(AdvertiseKeys.newBuilder().setBinding(b)).build());
    } else if (m.hasSharesDelivery()) {
      boolean misbehave = phase == misbehaveIn;
      if (silentAtMaskedInput && misbehave) {
        return;
      }
      Binding b = m.getSharesDelivery().getBinding();
      Uint64Vector.Builder words = Uint64Vector.newBuilder();
      for (double v : contribution()) {
        words.addValues(Double.doubleToRawLongBits(v));
      }
      SiteMessage honest = SiteMessage.newBuilder().setMaskedInput(MaskedInput.newBuilder()
          .setBinding(b).setWords(words)).build();
      (misbehave ? tamper.apply(b, honest) : List.of(honest)).forEach(this::send);
      maskedInputSent.add(phase);
    }
  }

  /** Whether the site has sent its masked input (honest or tampered) in a round of {@code p}. */
  boolean sentMaskedInputIn(Phase p) {
    return maskedInputSent.contains(p);
  }

  /**
   * The plaintext contribution of the current phase (docs/federation.md): for STANDARDISE one
   * observed value 0 per feature; for TRAIN the payload and an empty metric tail; for EVALUATE the
   * empty metric tail.
   */
  private double[] contribution() {
    double[] tail = new double[MetricTail.LENGTH];
    return switch (phase) {
      case STANDARDISE -> {
        double[] moments = new double[3 * Math.max(features, 0)];
        for (int j = 0; j < features; j++) {
          moments[3 * j] = 1;
        }
        yield moments;
      }
      case TRAIN -> {
        double[] p = java.util.Arrays.copyOf(payload, payload.length + tail.length);
        yield p;
      }
      default -> tail;
    };
  }

  synchronized void send(SiteMessage m) {
    try {
      toAggregator.onNext(m);
    } catch (IllegalStateException alreadyClosed) {
      // the aggregator ended the session
    }
  }

  /** Ends the session from the site's side (the hospital goes away). */
  void leave() {
    thread.execute(() -> toAggregator.onError(Status.CANCELLED.asRuntimeException()));
  }

  boolean awaitEnd() throws InterruptedException {
    return ended.await(10, TimeUnit.SECONDS);
  }

  static Binding withStage(Binding b, Stage s) {
    return b.toBuilder().setStage(s).build();
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
