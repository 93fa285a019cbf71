package org.fedfhir.aggregator.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.fedfhir.federation.Strategy;
import org.awaitility.Awaitility;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.Stage;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.RoundRecord;
import org.fedfhir.aggregator.store.RoundState;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStatus;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.strategy.ModelVector;
import org.fedfhir.federation.Payloads;
import org.fedfhir.aggregator.testing.InProcessAggregator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator and the Federation service over the in-process transport, with the plaintext
 * test double in place of secure aggregation.
 */
class RoundCoordinatorTest {

  private static final String DIGEST = "0f".repeat(32);
  private static final StudyRef STUDY = new StudyRef("http://fedfhir.org/fhir/PlanDefinition/hd", "1");
  private static final FixedPointEncoding ENCODING = FixedPointEncoding.newBuilder()
      .setModulusBits(64).setFractionBits(24).setClip(100).build();

  private final StudyStore store = new InMemoryStudyStore();
  private final ManualTimer timer = new ManualTimer();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<TestSite> sites = new ArrayList<>();
  private InProcessAggregator aggregator;

  private void startAggregator(StudyPlan plan) throws Exception {
    store.registerStudy(plan);
    startAggregatorOnExistingStore();
  }

  private InProcessAggregator startAggregatorOnExistingStore() throws Exception {
    aggregator = InProcessAggregator.over(store).secureSum(new PlaintextSecureSum()).timer(timer)
        .stageTimeout(Duration.ofSeconds(30)).encoding(ENCODING).directExecutor().start();
    return aggregator;
  }

  private TestSite site(String name, double[] weights, long samples) {
    ManagedChannel ch = aggregator.channel(name);
    channels.add(ch);
    double[] doubled = java.util.Arrays.copyOf(weights, 2 * weights.length);
    System.arraycopy(weights, 0, doubled, weights.length, weights.length);
    TestSite s = new TestSite(name, Payloads.weightedModel(doubled, samples));
    sites.add(s);
    return s;
  }

  private void join(TestSite s) {
    s.join(channels.get(sites.indexOf(s)), STUDY.url(), STUDY.version(), DIGEST, 4);
  }

  private static StudyPlan plan(int rounds, int minSites, int threshold) {
    return StudyPlan.training(STUDY, DIGEST).strategy(Strategy.FEDAVG).rounds(rounds).minSites(minSites).threshold(threshold)
        .modelDimension(4).build();
  }

  private static void await(BooleanSupplier condition) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
        .until(condition::getAsBoolean);
  }

  /** The shares of the first training round (round 2; round 1 standardises). */
  private static boolean trainingShares(org.fedfhir.federation.v1.AggregatorMessage m) {
    return m.hasSharesDelivery() && m.getSharesDelivery().getBinding().getRound() == 2;
  }

  @AfterEach
  void stop() {
    sites.forEach(TestSite::close);
    if (aggregator != null) {
      aggregator.close();
    }
  }

  @Test
  void threeSitesRunEveryRoundAndTheModelIsTheirWeightedAverage() throws Exception {
    startAggregator(plan(2, 3, 0));
    TestSite a = site("a", new double[] {1, 2}, 10);
    TestSite b = site("b", new double[] {3, 4}, 30);
    TestSite c = site("c", new double[] {5, 6}, 60);
    List.of(a, b, c).forEach(this::join);

    await(() -> store.status(STUDY).orElseThrow() == StudyStatus.COMPLETED);

    ModelVector model = store.latestModel(STUDY).orElseThrow().model();
    assertThat(model.toArray()).containsExactly(new double[] {4.0, 5.0, 4.0, 5.0}, within(1e-12));
    assertThat(store.rounds(STUDY)).extracting(RoundRecord::state)
        .containsExactly(RoundState.COMPLETED, RoundState.COMPLETED, RoundState.COMPLETED, RoundState.COMPLETED);
    assertThat(store.sites(STUDY)).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(a.awaitEnd()).isTrue();
    assertThat(a.status.isOk()).isTrue();
    assertThat(a.received).anyMatch(m -> m.hasJoined() && m.getJoined().getSiteName().equals("a"));
    assertThat(a.received).filteredOn(m -> m.hasRoundEnd() && m.getRoundEnd().getCompleted())
        .extracting(m -> m.getRoundEnd().getPhase())
        .containsExactly(Phase.STANDARDISE, Phase.TRAIN, Phase.TRAIN, Phase.EVALUATE);
    assertThat(a.received).anyMatch(m -> m.hasStudyEnd());
  }

  @Test
  void aStudyRetiredDuringARoundEndsAfterItNoOtherRoundStarts() throws Exception {
    startAggregator(plan(2, 3, 0));
    TestSite a = site("a", new double[] {1, 2}, 10);
    TestSite b = site("b", new double[] {3, 4}, 30);
    TestSite c = site("c", new double[] {5, 6}, 60);
    a.tamper = (binding, honest) -> {
      if (binding.getRound() == 2) {
        store.setStatus(STUDY, StudyStatus.STOPPED); // its owner retires it at the registry meanwhile
      }
      return List.of(honest);
    };
    List.of(a, b, c).forEach(this::join);

    for (TestSite s : List.of(a, b, c)) {
      assertThat(s.awaitEnd()).isTrue();
      assertThat(s.received).anyMatch(m -> m.hasStudyEnd());
    }
    assertThat(store.rounds(STUDY)).as("the round in flight ran to its end, no round after it")
        .extracting(RoundRecord::state).containsExactly(RoundState.COMPLETED, RoundState.COMPLETED);
    assertThat(store.status(STUDY)).contains(StudyStatus.STOPPED);
  }

  @Test
  void messageOfAnotherStudyIsRefusedAndTheRoundGoesOnWithTheOthers() throws Exception {
    startAggregator(plan(1, 3, 2));
    TestSite a = site("a", new double[] {1, 1}, 10);
    TestSite b = site("b", new double[] {3, 3}, 10);
    TestSite c = site("c", new double[] {100, 100}, 10);
    c.tamper = (binding, honest) -> List.of(SiteMessage.newBuilder().setMaskedInput(
        honest.getMaskedInput().toBuilder().setBinding(binding.toBuilder()
            .setStudyUrl("http://other.example/PlanDefinition/x"))).build());
    List.of(a, b, c).forEach(this::join);

    assertThat(c.awaitEnd()).isTrue();
    // The training round completes without the refused site; the study then waits for a third site.
    await(() -> store.completedRounds(STUDY) == 2);

    assertThat(c.status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(c.status.getDescription()).contains("WRONG_STUDY").contains("other.example");
    assertThat(store.latestModel(STUDY).orElseThrow().model().toArray())
        .containsExactly(new double[] {2, 2, 2, 2}, within(1e-12));
    assertThat(store.rounds(STUDY).get(1).dropouts()).containsExactly("c");
  }

  @Test
  void vectorOfTheWrongLengthIsRefusedWithBothLengths() throws Exception {
    startAggregator(plan(1, 3, 2));
    TestSite a = site("a", new double[] {1, 1}, 10);
    TestSite b = site("b", new double[] {3, 3}, 10);
    TestSite c = site("c", new double[] {0, 0}, 10);
    c.payload = new double[] {1, 2, 3};
    List.of(a, b, c).forEach(this::join);

    assertThat(c.awaitEnd()).isTrue();
    // The training round completes without the refused site; the study then waits for a third site.
    await(() -> store.completedRounds(STUDY) == 2);

    assertThat(c.status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(c.status.getDescription()).contains("masked input of 8 elements; the study needs 10");
  }

  @Test
  void replayedMessageIsRefusedWhileTheStageIsOpen() throws Exception {
    startAggregator(plan(1, 3, 2));
    TestSite a = site("a", new double[] {1, 1}, 10);
    TestSite b = site("b", new double[] {3, 3}, 10);
    TestSite c = site("c", new double[] {5, 5}, 10);
    a.silentAtMaskedInput = true; // keeps the stage open
    c.tamper = (binding, honest) -> List.of(honest, honest);
    List.of(a, b, c).forEach(this::join);

    assertThat(c.awaitEnd()).isTrue();
    assertThat(c.status.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(c.status.getDescription()).contains("REPLAY").contains("already sent its MASKED_INPUT");

    await(() -> b.received.stream().anyMatch(m -> trainingShares(m)));
    await(() -> b.sentMaskedInputIn(Phase.TRAIN));
    timer.expireAll();
    // The training round completes without the refused site; the study then waits for a third site.
    await(() -> store.completedRounds(STUDY) == 2);
    // c's first input was accepted before its replay: it is in the sum; a never sent one.
    assertThat(store.latestModel(STUDY).orElseThrow().model().toArray())
        .containsExactly(new double[] {4, 4, 4, 4}, within(1e-12));
    assertThat(store.rounds(STUDY).get(1).dropouts()).containsExactly("a");
  }

  @Test
  void siteWithAnotherStudyDefinitionCannotJoin() throws Exception {
    startAggregator(plan(1, 3, 2));
    TestSite a = site("a", new double[] {1, 1}, 10);
    a.join(channels.get(0), STUDY.url(), STUDY.version(), "ee".repeat(32), 4);

    assertThat(a.awaitEnd()).isTrue();
    assertThat(a.status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(a.status.getDescription()).contains("DEFINITION_MISMATCH").contains("eeeeeeeeeeee");
  }

  @Test
  void unknownStudyIsNotFound() throws Exception {
    startAggregator(plan(1, 3, 2));
    TestSite a = site("a", new double[] {1, 1}, 10);
    a.join(channels.get(0), "http://nowhere.example/PlanDefinition/x", "9", DIGEST, 4);

    assertThat(a.awaitEnd()).isTrue();
    assertThat(a.status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void roundAbortsWhenFewerThanThresholdSitesRemainAndRevealsNothing() throws Exception {
    startAggregator(plan(1, 3, 3));
    TestSite a = site("a", new double[] {1, 1}, 10);
    TestSite b = site("b", new double[] {3, 3}, 10);
    TestSite c = site("c", new double[] {5, 5}, 10);
    c.silentAtMaskedInput = true;
    List.of(a, b, c).forEach(this::join);
    await(() -> a.received.stream().anyMatch(m -> trainingShares(m))
        && b.received.stream().anyMatch(m -> trainingShares(m))
        && c.received.stream().anyMatch(m -> trainingShares(m)));

    c.leave();
    await(() -> store.rounds(STUDY).size() > 1
        && store.rounds(STUDY).get(1).state() == RoundState.ABORTED);

    RoundRecord aborted = store.rounds(STUDY).get(1);
    assertThat(aborted.abortReason()).contains("threshold 3");
    assertThat(aborted.modelDigest()).isNull();
    // The only model is the initial one: the aborted training round revealed nothing.
    assertThat(store.latestModel(STUDY).orElseThrow().model().toArray()).containsOnly(0.0);
    await(() -> a.received.stream().anyMatch(m -> m.hasRoundEnd() && !m.getRoundEnd().getCompleted()));
  }

  @Test
  void stageDeadlineDropsSilentSitesAndTheRoundCompletesWithTheOthers() throws Exception {
    startAggregator(plan(1, 3, 2));
    TestSite a = site("a", new double[] {1, 1}, 10);
    TestSite b = site("b", new double[] {3, 3}, 30);
    TestSite c = site("c", new double[] {9, 9}, 10);
    c.silentAtMaskedInput = true;
    List.of(a, b, c).forEach(this::join);
    await(() -> c.received.stream().anyMatch(m -> trainingShares(m)));
    await(() -> a.sentMaskedInputIn(Phase.TRAIN) && b.sentMaskedInputIn(Phase.TRAIN));

    timer.expireAll();
    await(() -> store.status(STUDY).orElseThrow() == StudyStatus.COMPLETED);

    assertThat(store.latestModel(STUDY).orElseThrow().model().toArray())
        .containsExactly(new double[] {2.5, 2.5, 2.5, 2.5}, within(1e-12));
    assertThat(store.rounds(STUDY).get(1).dropouts()).containsExactly("c");
  }

  @Test
  void restartAbortsTheRoundInFlightAndRunsItAgainWithNoRoundLostOrDuplicated() throws Exception {
    // Before the "crash": round 1 completed, round 2 was in flight.
    store.registerStudy(plan(3, 3, 2));
    store.beginRound(STUDY, 1, List.of("a", "b", "c"), Clock.systemUTC().instant());
    store.completeRound(STUDY, 1, List.of(), ModelVector.of(7, 7, 7, 7), new byte[0], java.util.Map.of(),
        Clock.systemUTC().instant());
    store.beginRound(STUDY, 2, List.of("a", "b", "c"), Clock.systemUTC().instant());

    InProcessAggregator recovered = startAggregatorOnExistingStore();
    assertThat(recovered.abortedRounds()).singleElement()
        .satisfies(r -> assertThat(r.number()).isEqualTo(2));

    TestSite a = site("a", new double[] {1, 1}, 10);
    TestSite b = site("b", new double[] {3, 3}, 10);
    TestSite c = site("c", new double[] {5, 5}, 10);
    List.of(a, b, c).forEach(this::join);
    await(() -> store.status(STUDY).orElseThrow() == StudyStatus.COMPLETED);

    assertThat(store.rounds(STUDY)).extracting(r -> r.number() + ":" + r.attempt() + ":" + r.state())
        .containsExactly("1:1:COMPLETED", "2:1:ABORTED", "2:2:COMPLETED", "3:1:COMPLETED", "4:1:COMPLETED",
            "5:1:COMPLETED");
    assertThat(store.rounds(STUDY).get(1).abortReason()).isEqualTo(Coordinators.RESTART_REASON);
    assertThat(a.received).filteredOn(m -> m.hasRoundStart())
        .extracting(m -> m.getRoundStart().getBinding().getRound()).containsExactly(2, 3, 4, 5);
    // Round 2 started from round 1's stored model.
    assertThat(a.received.stream().filter(m -> m.hasRoundStart()).findFirst().orElseThrow()
        .getRoundStart().getGlobalModel().getWeightsList()).containsExactly(7.0, 7.0, 7.0, 7.0);
    assertThat(a.received).filteredOn(m -> m.hasJoined())
        .extracting(m -> m.getJoined().getCompletedRounds()).containsExactly(1);
    assertThat(Stage.ADVERTISE_KEYS).isNotNull();
  }
}
