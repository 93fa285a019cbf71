package org.fedfhir.aggregator.round;

import org.fedfhir.federation.Standardisation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fedfhir.federation.Strategy;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.RoundRecord;
import org.fedfhir.aggregator.store.RoundState;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.federation.Payloads;
import org.fedfhir.aggregator.testing.DyingSite;
import org.fedfhir.aggregator.testing.InProcessAggregator;
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
  private static final FixedPointEncoding ENCODING = FixedPointEncoding.newBuilder()
      .setModulusBits(64).setFractionBits(24).setClip(1 << 30).build();

  private final StudyStore store = new InMemoryStudyStore();
  private InProcessAggregator aggregator;

  private void startAggregator(StudyPlan plan) throws Exception {
    store.registerStudy(plan);
    aggregator = InProcessAggregator.over(store).encoding(ENCODING).start();
  }

  private ManagedChannel channel(String site) {
    return aggregator.channel(site);
  }

  /** A site's channel that dies, like its process, when the first message matching {@code when} arrives. */
  private ManagedChannel channelDyingAt(java.util.function.Predicate<AggregatorMessage> when, Runnable die) {
    return aggregator.channel("d", DyingSite.dieOn(when, die));
  }

  private CompletableFuture<SiteSession.Outcome> join(ManagedChannel channel, SiteSession.RoundWork work) {
    return new SiteSession(FederationGrpc.newStub(channel),
        new SiteSession.Study(STUDY.url(), STUDY.version(), HexFormat.of().parseHex(DIGEST), 4), work,
        new SecureRandom()).start();
  }

  /**
   * A site with one feature whose training rows are {@code samples} copies of {@code x}, that trains
   * to {@code weights} (duplicated into the two-row layout) and scores {@code confusion} = [tp, fp,
   * tn, fn] with the given log-loss sum on its test split.
   */
  private static SiteSession.RoundWork fixed(double[] weights, long samples, double x, double[] confusion,
      double logLoss, List<SiteSession.RoundResult> seen) {
    return new SiteSession.TrainingWork() {
      @Override
      public double[] moments() {
        return new double[] {samples, samples * x, samples * x * x};
      }

      @Override
      public double[] train(int round, double[] global, Standardisation s) {
        double[] w = java.util.Arrays.copyOf(weights, 4);
        System.arraycopy(weights, 0, w, 2, 2);
        return Payloads.weightedModel(w, samples);
      }

      @Override
      public double[] evaluate(double[] model, Standardisation s) {
        return new double[] {confusion[0], confusion[1], confusion[2], confusion[3], logLoss};
      }

      @Override
      public void roundCompleted(SiteSession.RoundResult result) {
        seen.add(result);
      }
    };
  }

  private static SiteSession.RoundWork fixed(double[] weights, long samples) {
    return fixed(weights, samples, 1.0, new double[] {1, 0, 1, 0}, 0.5, new java.util.concurrent.CopyOnWriteArrayList<>());
  }

  @AfterEach
  void stop() {
    if (aggregator != null) {
      aggregator.close();
    }
  }

  @Test
  void fourSitesAverageTheirModelsUnderSecureAggregation() throws Exception {
    startAggregator(StudyPlan.training(STUDY, DIGEST).strategy(Strategy.FEDAVG).rounds(2).minSites(4).modelDimension(4).build());
    List<SiteSession.RoundResult> seenByA = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<CompletableFuture<SiteSession.Outcome>> outcomes = List.of(
        join(channel("a"), fixed(new double[] {1, 2}, 10, 2.0, new double[] {3, 1, 4, 2}, 4.0, seenByA)),
        join(channel("b"), fixed(new double[] {3, 4}, 30)),
        join(channel("c"), fixed(new double[] {5, 6}, 40)),
        join(channel("d"), fixed(new double[] {-7, 0.5}, 20)));

    for (CompletableFuture<SiteSession.Outcome> outcome : outcomes) {
      SiteSession.Outcome o = outcome.get(60, TimeUnit.SECONDS);
      assertThat(o.completedRounds()).isEqualTo(4);
    }
    double w0 = (10 * 1 + 30 * 3 + 40 * 5 + 20 * -7) / 100.0;
    double w1 = (10 * 2 + 30 * 4 + 40 * 6 + 20 * 0.5) / 100.0;
    assertThat(store.latestModel(STUDY).orElseThrow().model().toArray())
        .containsExactly(new double[] {w0, w1, w0, w1}, within(1e-6));
    assertThat(store.rounds(STUDY)).extracting(RoundRecord::state).containsOnly(RoundState.COMPLETED).hasSize(4);

    // Round 1 standardised with the network-wide mean and SD of the feature: site a's rows are 2.0,
    // the others' 1.0 (10 + 30 + 40 + 20 rows): mean 1.1, SD 0.3.
    assertThat(store.metrics(STUDY, 1)).containsEntry("mean.0", 1.1);
    assertThat(store.metrics(STUDY, 1).get("sd.0")).isCloseTo(0.3, within(1e-6));
    // The evaluation round's network accuracy sums every site's confusion counts: a (3, 1, 4, 2) and
    // three sites with (1, 0, 1, 0): (3 + 4 + 3 + 3) / (10 + 6) correct.
    SiteSession.RoundResult last = seenByA.get(seenByA.size() - 1);
    assertThat(last.phase()).isEqualTo(org.fedfhir.federation.v1.Phase.EVALUATE);
    assertThat(last.networkMetrics().get("accuracy")).isCloseTo(13.0 / 16, within(1e-9));
    assertThat(last.networkMetrics().get("log-loss")).isCloseTo((4.0 + 3 * 0.5) / 16, within(1e-6));
    assertThat(last.networkMetrics().get("test-count")).isEqualTo(16.0);
  }

  @Test
  void aSiteWhoseContributionExceedsTheEncodingRangeRefusesToSendItInsteadOfClipping() throws Exception {
    startAggregator(StudyPlan.training(STUDY, DIGEST).strategy(Strategy.FEDAVG).rounds(1).minSites(4).threshold(3).modelDimension(4).build());
    join(channel("a"), fixed(new double[] {1, 2}, 10));
    join(channel("b"), fixed(new double[] {3, 4}, 30));
    join(channel("c"), fixed(new double[] {5, 6}, 60));
    // Its feature values are so large that Σx² leaves the encoding range of the standardisation round.
    CompletableFuture<SiteSession.Outcome> huge = join(channel("d"),
        fixed(new double[] {1, 2}, 10, 1e6, new double[] {1, 0, 1, 0}, 0.5, new java.util.ArrayList<>()));

    assertThat(huge).failsWithin(60, TimeUnit.SECONDS).withThrowableThat()
        .withMessageContaining("outside the study's encoding range");
    await().atMost(Duration.ofSeconds(60)).until(() -> store.completedRounds(STUDY) >= 1);
    RoundRecord standardise = store.rounds(STUDY).get(0);
    assertThat(standardise.state()).isEqualTo(RoundState.COMPLETED);
    assertThat(standardise.dropouts()).containsExactly("d");
    assertThat(store.metrics(STUDY, 1)).containsEntry("mean.0", 1.0);
  }

  @Test
  void aHospitalKilledInTheMiddleOfARoundLeavesTheOthersToCompleteIt() throws Exception {
    startAggregator(StudyPlan.training(STUDY, DIGEST).strategy(Strategy.FEDAVG).rounds(1).minSites(3).threshold(3).modelDimension(4).build());
    // Hospital d's process dies once it has shared its keys, when the shares of the others reach
    // it: the aggregator must remove d's pairwise masks from the others' inputs.
    AtomicInteger killed = new AtomicInteger();
    ManagedChannel[] doomed = new ManagedChannel[1];
    doomed[0] = channelDyingAt(m -> m.hasSharesDelivery() && m.getSharesDelivery().getBinding().getRound() == 2, () -> {
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
      assertThat(outcome.get(60, TimeUnit.SECONDS).completedRounds()).isEqualTo(3);
    }
    assertThat(killed.get()).isEqualTo(1);
    RoundRecord round = store.rounds(STUDY).get(1);
    assertThat(round.state()).isEqualTo(RoundState.COMPLETED);
    assertThat(round.dropouts()).containsExactly("d");
    assertThat(store.latestModel(STUDY).orElseThrow().model().toArray())
        .containsExactly(new double[] {4.0, 5.0, 4.0, 5.0}, within(1e-6));
  }
}
