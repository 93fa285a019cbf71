package org.fedfhir.aggregator.statistics;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.fedfhir.aggregator.round.SecAggSecureSum;
import org.fedfhir.aggregator.round.SecureSum;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.testing.InProcessAggregator;
import org.fedfhir.study.StatisticsDeclarations;

/**
 * The aggregator of one statistics study ({@link StatisticsNetworkTest#STUDY}) on the
 * {@link InProcessAggregator}, with the real secure aggregation and in-memory stores.
 */
final class InProcessStatisticsAggregator implements AutoCloseable {

  final InMemoryStudyStore store = new InMemoryStudyStore();
  final InMemoryReleaseStore releases = new InMemoryReleaseStore();
  final StatisticsStudies statistics;
  final StatisticsStudy coordinator;
  private final InProcessAggregator aggregator;

  InProcessStatisticsAggregator(StatisticsDeclarations.Study declared, int minSites, int threshold)
      throws IOException {
    this(declared, minSites, threshold, new SecAggSecureSum());
  }

  /** The same over {@code secureSum} (e.g. one that lets a test see what the aggregator unmasks). */
  InProcessStatisticsAggregator(StatisticsDeclarations.Study declared, int minSites, int threshold,
      SecureSum secureSum) throws IOException {
    StudyPlan plan = StudyPlan.statistics(StatisticsNetworkTest.STUDY, StatisticsNetworkTest.DIGEST)
        .minSites(minSites).threshold(threshold).statisticsLength(declared.length()).build();
    store.registerStudy(plan);
    aggregator = InProcessAggregator.over(store).secureSum(secureSum).stageTimeout(Duration.ofSeconds(10)).start();
    statistics = new StatisticsStudies(aggregator.coordinators(), store, releases, Clock.systemUTC(),
        "test aggregator");
    coordinator = statistics.register(plan, declared);
  }

  /** A channel of site {@code site}, through {@code extra} interceptors (e.g. one that makes it die). */
  ManagedChannel channel(String site, ClientInterceptor... extra) {
    return aggregator.channel(site, extra);
  }

  @Override
  public void close() {
    aggregator.close();
  }
}
