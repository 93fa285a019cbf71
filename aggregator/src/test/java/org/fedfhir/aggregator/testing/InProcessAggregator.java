package org.fedfhir.aggregator.testing;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.fedfhir.aggregator.grpc.FederationService;
import org.fedfhir.aggregator.round.Coordinators;
import org.fedfhir.aggregator.round.SecAggSecureSum;
import org.fedfhir.aggregator.round.SecureSum;
import org.fedfhir.aggregator.round.StageTimer;
import org.fedfhir.aggregator.store.RoundRecord;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.federation.v1.FixedPointEncoding;

/**
 * The aggregator's federation edge on grpc-java's in-process transport, the one fixture for tests
 * that run study sessions between sites and the aggregator: {@link Coordinators} started up over a
 * {@link StudyStore} (aborting what was in flight, as at a restart), the {@link FederationService}
 * behind {@link HeaderIdentity} in place of mutual TLS, and channels that name their site.
 *
 * <p>By default the real secure aggregation ({@link SecAggSecureSum}), stage deadlines on a real
 * scheduler, a 20 s stage timeout and the default fixed-point encoding; a test changes what it
 * needs on the {@link Builder}. Sites that live in the same test share this fixture's store, so a
 * test asserts on the store it passed in.
 *
 * <p>Packaged in the aggregator's test-jar for the hospital module's federated tests.
 */
public final class InProcessAggregator implements AutoCloseable {

  private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "in-process-aggregator-deadlines");
    t.setDaemon(true);
    return t;
  });

  private final String name = InProcessServerBuilder.generateName();
  private final boolean directExecutor;
  private final Coordinators.Recovered recovered;
  private final Server server;
  private final List<ManagedChannel> channels = new ArrayList<>();

  private InProcessAggregator(Builder b) throws IOException {
    this.directExecutor = b.directExecutor;
    this.recovered = Coordinators.startUp(b.store, b.secureSum, b.timer, Clock.systemUTC(), b.stageTimeout,
        b.encoding);
    InProcessServerBuilder server = InProcessServerBuilder.forName(name);
    if (directExecutor) {
      server.directExecutor();
    }
    this.server = server.addService(ServerInterceptors.intercept(new FederationService(recovered.coordinators()),
        new HeaderIdentity())).build().start();
  }

  /** An aggregator over {@code store}; {@link Builder#start()} starts it. */
  public static Builder over(StudyStore store) {
    return new Builder(store);
  }

  /** Stage deadlines that pass in real time, on one shared daemon scheduler. */
  public static StageTimer realTimer() {
    return (delay, task) -> {
      var f = DEADLINES.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
      return () -> f.cancel(false);
    };
  }

  /** The study sessions, e.g. to open statistics studies on. */
  public Coordinators coordinators() {
    return recovered.coordinators();
  }

  /** The rounds the start-up found in flight and aborted. */
  public List<RoundRecord> abortedRounds() {
    return recovered.abortedRounds();
  }

  /** A channel of site {@code site}, through {@code extra} interceptors (e.g. {@link DyingSite}). */
  public ManagedChannel channel(String site, ClientInterceptor... extra) {
    Metadata h = new Metadata();
    h.put(HeaderIdentity.SITE, site);
    List<ClientInterceptor> interceptors = new ArrayList<>(List.of(extra));
    interceptors.add(MetadataUtils.newAttachHeadersInterceptor(h));
    InProcessChannelBuilder channel = InProcessChannelBuilder.forName(name).intercept(interceptors);
    if (directExecutor) {
      channel.directExecutor();
    }
    ManagedChannel ch = channel.build();
    synchronized (channels) {
      channels.add(ch);
    }
    return ch;
  }

  /** Shuts every channel handed out, then the server. */
  @Override
  public void close() {
    synchronized (channels) {
      channels.forEach(ManagedChannel::shutdownNow);
      channels.clear();
    }
    server.shutdownNow();
  }

  /** What differs from the defaults. */
  public static final class Builder {
    private final StudyStore store;
    private SecureSum secureSum = new SecAggSecureSum();
    private StageTimer timer = realTimer();
    private Duration stageTimeout = Duration.ofSeconds(20);
    private FixedPointEncoding encoding = FixedPointEncoding.getDefaultInstance();
    private boolean directExecutor;

    private Builder(StudyStore store) {
      this.store = store;
    }

    public Builder secureSum(SecureSum secureSum) {
      this.secureSum = secureSum;
      return this;
    }

    public Builder timer(StageTimer timer) {
      this.timer = timer;
      return this;
    }

    public Builder stageTimeout(Duration stageTimeout) {
      this.stageTimeout = stageTimeout;
      return this;
    }

    public Builder encoding(FixedPointEncoding encoding) {
      this.encoding = encoding;
      return this;
    }

    /** Runs server and channels on the calling threads: deterministic, for scripted sites. */
    public Builder directExecutor() {
      this.directExecutor = true;
      return this;
    }

    public InProcessAggregator start() throws IOException {
      return new InProcessAggregator(this);
    }
  }
}
