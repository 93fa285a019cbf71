package org.fedfhir.aggregator.statistics;

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
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.aggregator.grpc.FederationService;
import org.fedfhir.aggregator.round.Coordinators;
import org.fedfhir.aggregator.round.SecAggSecureSum;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.testing.HeaderIdentity;
import org.fedfhir.study.StatisticsDeclarations;

/**
 * The aggregator of one statistics study ({@link StatisticsNetworkTest#STUDY}) on the in-process
 * gRPC transport, with the real secure aggregation and in-memory stores; sites are named by
 * {@link HeaderIdentity} in place of their certificates.
 */
final class InProcessStatisticsAggregator implements AutoCloseable {

  final InMemoryStudyStore store = new InMemoryStudyStore();
  final InMemoryReleaseStore releases = new InMemoryReleaseStore();
  final StatisticsStudies statistics;
  final StatisticsStudy coordinator;
  private final String name = InProcessServerBuilder.generateName();
  private final Server server;
  private final List<ManagedChannel> channels = new ArrayList<>();

  InProcessStatisticsAggregator(StatisticsDeclarations.Study declared, int minSites, int threshold)
      throws IOException {
    StudyPlan plan = StudyPlan.statistics(StatisticsNetworkTest.STUDY, StatisticsNetworkTest.DIGEST)
        .minSites(minSites).threshold(threshold).statisticsLength(declared.length()).build();
    store.registerStudy(plan);
    Coordinators sessions = Coordinators.startUp(store, new SecAggSecureSum(), StatisticsNetworkTest.timer(),
        Clock.systemUTC(), Duration.ofSeconds(10), FixedPointEncoding.getDefaultInstance()).coordinators();
    statistics = new StatisticsStudies(sessions, store, releases, Clock.systemUTC(), "test aggregator");
    coordinator = statistics.register(plan, declared);
    server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(new FederationService(sessions), new HeaderIdentity()))
        .build().start();
  }

  /** A channel of site {@code site}, through {@code extra} interceptors (e.g. one that makes it die). */
  ManagedChannel channel(String site, ClientInterceptor... extra) {
    Metadata h = new Metadata();
    h.put(HeaderIdentity.SITE, site);
    List<ClientInterceptor> interceptors = new ArrayList<>(List.of(extra));
    interceptors.add(MetadataUtils.newAttachHeadersInterceptor(h));
    ManagedChannel ch = InProcessChannelBuilder.forName(name).intercept(interceptors).build();
    channels.add(ch);
    return ch;
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.shutdownNow();
  }
}
