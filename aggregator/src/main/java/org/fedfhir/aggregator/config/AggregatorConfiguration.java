package org.fedfhir.aggregator.config;

import io.grpc.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.aggregator.grpc.FederationService;
import org.fedfhir.aggregator.grpc.MutualTls;
import org.fedfhir.aggregator.pki.TlsMaterial;
import org.fedfhir.aggregator.round.Coordinators;
import org.fedfhir.aggregator.fhir.StudyRegistryServer;
import org.fedfhir.aggregator.round.SecAggSecureSum;
import org.fedfhir.aggregator.round.SecureSum;
import org.fedfhir.aggregator.statistics.ReleaseStore;
import org.fedfhir.aggregator.statistics.SecureStatsService;
import org.fedfhir.aggregator.statistics.StatisticsStudies;
import org.fedfhir.aggregator.round.StageTimer;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.store.jpa.JpaStoreConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The aggregator's beans: store, recovery, coordinators and the mutual-TLS gRPC server. */
@Configuration(proxyBeanMethods = false)
@Import(JpaStoreConfiguration.class)
public class AggregatorConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(AggregatorConfiguration.class);

  /**
   * Sites encode contributions as 64-bit words with 24 fractional bits (resolution 6e-8) in
   * ±2^30: room for a site's moment sums (Σx² of cholesterol over thousands of patients) and, by
   * the codec's overflow rule, for sums over up to 511 sites. A site whose contribution falls
   * outside refuses to send it rather than clip it.
   */
  static final FixedPointEncoding ENCODING = FixedPointEncoding.newBuilder()
      .setModulusBits(64).setFractionBits(24).setClip(1 << 30).build();

  @Bean(destroyMethod = "shutdownNow")
  ScheduledExecutorService stageDeadlines() {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fedfhir-stage-deadlines");
      t.setDaemon(true);
      return t;
    });
  }

  @Bean
  SecureSum secureSum() {
    return new SecAggSecureSum();
  }

  @Bean
  Coordinators coordinators(StudyStore store, SecureSum secureSum, ScheduledExecutorService deadlines,
      AggregatorSettings settings) {
    StageTimer timer = (delay, task) -> {
      var f = deadlines.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
      return () -> f.cancel(false);
    };
    Coordinators.Recovered r = Coordinators.startUp(store, secureSum, timer, Clock.systemUTC(),
        settings.stageTimeout(), ENCODING);
    r.abortedRounds().forEach(round -> LOG.info(
        "round {} (attempt {}) of {} was in flight at the last stop; aborted, it will run again",
        round.number(), round.attempt(), round.study()));
    return r.coordinators();
  }

  /**
   * The statistics studies ({@code $secure-stats}), their sessions among the {@link Coordinators}; their
   * releases, ε ledgers and
   * definitions are kept in the database, and the studies published before the last stop are
   * registered again.
   */
  @Bean
  StatisticsStudies statisticsStudies(Coordinators coordinators, StudyStore store, ReleaseStore releases) {
    StatisticsStudies statistics = new StatisticsStudies(coordinators, store, releases, Clock.systemUTC(),
        "FedFHIR aggregator");
    StatisticsStudies.Recovered r = statistics.recover();
    r.studies().forEach(study -> LOG.info("statistics study {} published before the last stop is runnable", study));
    r.refused().forEach(reason -> LOG.warn("statistics study not registered again, publish it again: {}", reason));
    return statistics;
  }

  /**
   * The FHIR endpoint for publishing studies. The guide's definitions load in the background (a few
   * seconds), so the gRPC server is not held up; a study published meanwhile waits for them.
   */
  @Bean(destroyMethod = "close")
  StudyEndpoint studyEndpoint(StudyStore store, AggregatorSettings settings, StatisticsStudies statistics,
      org.springframework.beans.factory.ObjectProvider<org.fedfhir.aggregator.provisioning.ProvisioningSettings> tee)
      throws Exception {
    if (settings.fhir().port() < 0) {
      return new StudyEndpoint(null);
    }
    java.util.concurrent.CompletableFuture<org.fedfhir.ig.FedFhirIg> ig =
        java.util.concurrent.CompletableFuture.supplyAsync(org.fedfhir.ig.FedFhirIg::load);
    // a $secure-stats run waits up to 30 s for min-sites to have joined; each of its rounds' 5 stages then ends
    // by its deadline
    SecureStatsService secureStats = new SecureStatsService(statistics, Duration.ofSeconds(30),
        settings.stageTimeout().multipliedBy(6));
    AggregatorSettings.FhirEndpoint endpoint = settings.fhir();
    org.fedfhir.access.TlsSettings tls = endpoint.insecureHttp() ? null : new org.fedfhir.access.TlsSettings(
        settings.tls().certificate(), settings.tls().privateKey(), settings.tls().ca(),
        org.fedfhir.access.TlsSettings.ClientAuth.WANT, settings.tls().crl());
    org.fedfhir.aggregator.fhir.RegistryAccess access = new org.fedfhir.aggregator.fhir.RegistryAccess(tls,
        endpoint.insecureHttp(), endpoint.issuers().stream().map(org.fedfhir.access.AccessTokenVerifier::of).toList());
    // with a TEE (--tee), researchers receive their clean-room studies' sealed results here
    org.fedfhir.aggregator.provisioning.ProvisioningSettings teeSettings = tee.getIfAvailable();
    org.fedfhir.aggregator.cleanroom.CleanRoomResults cleanRoom = teeSettings == null ? null
        : org.fedfhir.aggregator.cleanroom.CleanRoomResults.connect(teeSettings.url(), settings.tls());
    StudyRegistryServer server = StudyRegistryServer.start(ig, store, secureStats, cleanRoom, access,
        endpoint.bind(), endpoint.port());
    LOG.info("study registry (FHIR) at {}", server.baseUrl());
    return new StudyEndpoint(server);
  }

  /** The running FHIR endpoint, if any. */
  public record StudyEndpoint(StudyRegistryServer server) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      if (server != null) {
        server.close();
      }
    }
  }

  /**
   * Provisions finished studies' models into the attested TEE when the aggregator has one
   * ({@code --tee}, a {@code ProvisioningSettings} singleton); otherwise a disabled service.
   */
  @Bean(destroyMethod = "close")
  org.fedfhir.aggregator.provisioning.ModelProvisioningService modelProvisioning(StudyStore store,
      org.springframework.beans.factory.ObjectProvider<org.fedfhir.aggregator.provisioning.ProvisioningSettings> tee,
      AggregatorSettings settings) {
    return org.fedfhir.aggregator.provisioning.ModelProvisioningService.fromSettings(store, tee.getIfAvailable(),
        settings.tls())
        .start(java.time.Duration.ofSeconds(2));
  }

  @Bean
  FederationServer federationServer(Coordinators coordinators, AggregatorSettings settings,
      StatisticsStudies statistics) {
    // taking the statistics studies: those published before the last stop have opened their sessions by now
    return new FederationServer(coordinators, settings);
  }

  /** Starts the gRPC server with the context and stops it with the context. */
  public static final class FederationServer implements SmartLifecycle {

    private final Coordinators coordinators;
    private final AggregatorSettings settings;
    private volatile Server server;

    FederationServer(Coordinators coordinators, AggregatorSettings settings) {
      this.coordinators = coordinators;
      this.settings = settings;
    }

    @Override
    public void start() {
      TlsMaterial tls = settings.tls().load();
      try {
        server = MutualTls.startServer(tls, new InetSocketAddress(settings.bindAddress(),
            settings.port()), new FederationService(coordinators));
      } catch (IOException e) {
        throw new UncheckedIOException("could not listen on " + settings.bindAddress() + ":"
            + settings.port() + ": " + e.getMessage(), e);
      }
      LOG.info("aggregator '{}' listening with mutual TLS on {}:{}", tls.name(),
          settings.bindAddress(), server.getPort());
    }

    @Override
    public void stop() {
      Server s = server;
      if (s != null) {
        s.shutdown();
        try {
          if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
            s.shutdownNow();
          }
        } catch (InterruptedException e) {
          s.shutdownNow();
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public boolean isRunning() {
      Server s = server;
      return s != null && !s.isShutdown();
    }

    /** The bound port (useful with port 0). */
    public int port() {
      return server.getPort();
    }

    /** Blocks until the server stops. */
    public void awaitTermination() throws InterruptedException {
      server.awaitTermination();
    }
  }
}
