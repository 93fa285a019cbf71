package org.fedfhir.aggregator.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.fedfhir.aggregator.round.ProtocolViolation;
import org.fedfhir.aggregator.round.SecAggSecureSum;
import org.fedfhir.aggregator.round.SecureSum;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.Stage;
import org.fedfhir.securecompute.privacy.SiteNoise;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.SiteStatistics;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.fedfhir.study.StatisticsDeclarations;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Distributed differential privacy over the real gRPC path: the sites add their noise shares
 * before masking ({@link SiteNoise}), so what the aggregator unmasks for a private statistic is
 * already noisy, while a statistic without ε in the same study is exact.
 */
class DistributedNoiseNetworkTest {

  static final StatisticDeclaration PRIVATE_TABLE = new StatisticDeclaration.Crosstab("cp-by-diagnosis", "cp",
      List.of("1", "2", "3", "4"), "label", List.of("0", "1"), Optional.of(0.5));
  static final StatisticDeclaration EXACT_SEX = new StatisticDeclaration.Counts("sex", "sex", List.of("0", "1"),
      Optional.empty());
  static final StatisticDeclaration PRIVATE_CHOL = new StatisticDeclaration.Summary("chol-by-sex", "chol", "sex",
      List.of("0", "1"), 80, 640, new double[] {80, 200, 240, 280, 640}, new double[] {0.5}, Optional.of(0.5));
  static final StatisticsDeclarations.Study DECLARED = new StatisticsDeclarations.Study(
      List.of(PRIVATE_TABLE, EXACT_SEX, PRIVATE_CHOL), DisclosurePolicy.defaults(), 10_000, Optional.of(2.0));

  /** The real secure sum, keeping a copy of each sum it unmasks: exactly what the aggregator sees. */
  static final class Unmasked implements SecureSum {
    final SecureSum real = new SecAggSecureSum();
    final List<double[]> sums = new CopyOnWriteArrayList<>();
    final List<Integer> thresholds = new CopyOnWriteArrayList<>();

    @Override
    public Round open(RoundSetup setup) {
      thresholds.add(setup.threshold());
      Round round = real.open(setup);
      return new Round() {
        @Override
        public Stage stage() {
          return round.stage();
        }

        @Override
        public void accept(int sender, SiteMessage message) throws ProtocolViolation {
          round.accept(sender, message);
        }

        @Override
        public Outcome closeStage() {
          Outcome outcome = round.closeStage();
          if (outcome instanceof Sum sum) {
            sums.add(sum.values().clone());
          }
          return outcome;
        }
      };
    }
  }

  private InProcessStatisticsAggregator aggregator;

  @AfterEach
  void stop() {
    if (aggregator != null) {
      aggregator.close();
    }
  }

  /**
   * A site as StatisticsContribution works: its statistics and contributor flags (no minimum here: this
   * test is about the noise), then its noise share for the round's t.
   */
  static SiteSession.StatisticsWork work(SiteStatistics.Rows rows) {
    SiteStatistics local = new SiteStatistics(DECLARED.statistics(), DECLARED.maxRecordsPerSite());
    return (round, threshold) -> new SiteNoise(DECLARED.statistics(), threshold, DECLARED.epsilonDelta(),
        new SecureRandom()).addTo(new org.fedfhir.securecompute.statistics.SiteDisclosure(DECLARED.statistics(),
            org.fedfhir.securecompute.statistics.DisclosurePolicy.none()).firstRound(local.parts(rows)));
  }

  @Test
  void theAggregatorUnmasksANoisySumForAPrivateStatisticAndTheExactSumForTheOthers() throws Exception {
    Unmasked unmasked = new Unmasked();
    aggregator = new InProcessStatisticsAggregator(DECLARED, 3, 0, unmasked);
    List<SiteStatistics.Rows> sites = List.of(StatisticsNetworkTest.rows(2, 120), StatisticsNetworkTest.rows(4, 80),
        StatisticsNetworkTest.rows(6, 150));
    List<CompletableFuture<SiteSession.Outcome>> outcomes = new ArrayList<>();
    for (int s = 0; s < sites.size(); s++) {
      outcomes.add(new SiteSession(FederationGrpc.newStub(aggregator.channel("site-" + s)),
          new SiteSession.Study(StatisticsNetworkTest.STUDY.url(), StatisticsNetworkTest.STUDY.version(),
              HexFormat.of().parseHex(StatisticsNetworkTest.DIGEST), DECLARED.length()),
          work(sites.get(s)), new SecureRandom(), new SiteSession.Disclosure(5, false)).start());
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> aggregator.coordinator.joinedSites().size() >= 3);

    StatisticsStudy.Released released = aggregator.coordinator.run(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);

    double[] exact = new SiteStatistics(DECLARED.statistics(), Integer.MAX_VALUE)
        .encode(StatisticsNetworkTest.pooled(sites));
    assertThat(unmasked.sums).hasSize(1);
    double[] seen = unmasked.sums.get(0);
    // the private crosstab (cells 0..7): noisy integers, not the pooled counts
    double[] table = Arrays.copyOfRange(seen, 0, 8);
    assertThat(table).isNotEqualTo(Arrays.copyOfRange(exact, 0, 8));
    for (double cell : table) {
      assertThat(cell).isEqualTo(Math.rint(cell));
    }
    // the statistic without ε (cells 8, 9): exactly the pooled counts
    assertThat(Arrays.copyOfRange(seen, 8, 10)).containsExactly(Arrays.copyOfRange(exact, 8, 10));
    // the private summary (from 10, per group [n, Σ, Σ², clipped, 4 bins]): no exact count, no clipped count
    for (int g = 0; g < 2; g++) {
      assertThat(seen[10 + 8 * g]).isZero();
      assertThat(seen[10 + 8 * g + 3]).isZero();
      assertThat(Arrays.copyOfRange(seen, 10 + 8 * g + 4, 10 + 8 * g + 8))
          .isNotEqualTo(Arrays.copyOfRange(exact, 10 + 8 * g + 4, 10 + 8 * g + 8));
    }
    // the release still charges the study's ledger and says what it spent
    assertThat(released.sites()).isEqualTo(3);
    Parameters p = released.result();
    assertThat(p.getParameter("epsilonSpent").getValue().primitiveValue()).isEqualTo("1.0");
    assertThat(StatisticsNetworkTest.decimal(StatisticsNetworkTest.statistic(p, "cp-by-diagnosis"), "epsilonSpent"))
        .isEqualTo(0.5);
    for (CompletableFuture<SiteSession.Outcome> o : outcomes) {
      assertThat(o.get(10, TimeUnit.SECONDS).completedRounds()).isEqualTo(1);
    }
  }
}
