package org.fedfhir.aggregator.store;

import org.fedfhir.study.StudyKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.fedfhir.aggregator.strategy.ModelVector;
import org.fedfhir.federation.Strategy;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link StudyStore} must have; run against each implementation. */
abstract class StudyStoreContract {

  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  static final String DIGEST = "ab".repeat(32);

  abstract StudyStore store();

  static StudyPlan plan(Strategy strategy) {
    return StudyPlan.training(new StudyRef("http://example.org/fhir/PlanDefinition/" + UUID.randomUUID(), "1.0.0"),
        DIGEST).strategy(strategy).rounds(3).minSites(2).modelDimension(4).build();
  }

  StudyRef registered() {
    StudyPlan p = plan(Strategy.FEDAVG);
    store().registerStudy(p);
    return p.ref();
  }

  @Test
  void registeredStudyIsActiveAndReadBackUnchanged() {
    StudyPlan p = plan(Strategy.FEDADAM);
    store().registerStudy(p);
    store().registerStudy(p);

    assertThat(store().study(p.ref())).contains(p);
    assertThat(store().status(p.ref())).contains(StudyStatus.ACTIVE);
    assertThat(store().studies(StudyStatus.ACTIVE)).contains(p);
  }

  @Test
  void everyStrategyIsReadBackAsItself() {
    for (Strategy s : Strategy.values()) {
      StudyPlan p = plan(s);
      store().registerStudy(p);
      assertThat(store().study(p.ref())).contains(p);
      assertThat(store().study(p.ref()).orElseThrow().strategy()).isSameAs(s);
    }
  }

  @Test
  void aPrivateStudysDifferentialPrivacyIsReadBackUnchanged() {
    StudyPlan p = plan(Strategy.FEDADAGRAD).toBuilder().privacy(new org.fedfhir.securecompute.privacy.TrainingPrivacy(
        0.5, 1e-3, 2.0, org.fedfhir.securecompute.privacy.TrainingPrivacy.Unit.SITE), 0.25).build();
    store().registerStudy(p);
    store().registerStudy(p);
    StudyPlan read = store().study(p.ref()).orElseThrow();
    assertThat(read).isEqualTo(p);
    assertThat(read.privacy()).isEqualTo(p.privacy());
    assertThat(read.learningRate()).isEqualTo(0.25);
  }

  @Test
  void aNeuralNetworkStudysNetworkIsReadBackUnchanged() {
    org.fedfhir.federation.NeuralNetwork network =
        new org.fedfhir.federation.NeuralNetwork(13, java.util.List.of(32, 16), -7L);
    StudyPlan p = plan(Strategy.FEDADAM).toBuilder().modelDimension(network.dimension()).network(network).build();
    store().registerStudy(p);
    StudyPlan read = store().study(p.ref()).orElseThrow();
    assertThat(read).isEqualTo(p);
    assertThat(read.network()).contains(network);
    assertThat(read.initialModel()).containsExactly(network.initial());
    assertThat(read.features()).isEqualTo(13);
  }

  @Test
  void aStatisticsStudyIsReadBackAsAStatisticsStudyWithItsVectorLength() {
    StudyPlan p = StudyPlan.statistics(new StudyRef("http://example.org/fhir/PlanDefinition/" + UUID.randomUUID(),
        "1.0.0"), DIGEST).minSites(3).threshold(2).statisticsLength(7).build();
    store().registerStudy(p);
    store().registerStudy(p);

    StudyPlan read = store().study(p.ref()).orElseThrow();
    assertThat(read).isEqualTo(p);
    assertThat(read.kind()).isEqualTo(StudyKind.STATISTICS);
    assertThat(read.statisticsLength()).isEqualTo(7);
    assertThat(read.rounds()).isEqualTo(1);
    assertThatThrownBy(read::strategy).isInstanceOf(IllegalStateException.class).hasMessageContaining("no strategy");
  }

  @Test
  void sameStudyWithAnotherDefinitionIsRefused() {
    StudyPlan p = plan(Strategy.FEDAVG);
    store().registerStudy(p);
    StudyPlan other = StudyPlan.training(p.ref(), "cd".repeat(32)).strategy(Strategy.FEDAVG).rounds(3).minSites(2)
        .modelDimension(4).build();
    assertThatThrownBy(() -> store().registerStudy(other))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("another definition");
  }

  @Test
  void sitesAreRecordedOnceInOrderOfJoining() {
    StudyRef ref = registered();
    store().recordSiteJoined(ref, "b", T0);
    store().recordSiteJoined(ref, "a", T0.plusSeconds(1));
    store().recordSiteJoined(ref, "b", T0.plusSeconds(2));
    assertThat(store().sites(ref)).containsExactly("b", "a");
  }

  @Test
  void completedRoundStoresItsModelStateMetricsAndTimings() {
    StudyRef ref = registered();
    store().beginRound(ref, 1, List.of("a", "b", "c"), T0);
    ModelVector m = ModelVector.of(0.5, -1, 2, 0);
    RoundRecord done = store().completeRound(ref, 1, List.of("c"), m, new byte[] {7, 8},
        Map.of("accuracy", 0.75, "log-loss", 0.5), T0.plusSeconds(3));

    assertThat(done.state()).isEqualTo(RoundState.COMPLETED);
    assertThat(done.participants()).containsExactly("a", "b", "c");
    assertThat(done.dropouts()).containsExactly("c");
    assertThat(done.modelDigest()).isEqualTo(m.digest());
    assertThat(store().rounds(ref)).singleElement().satisfies(r -> {
      assertThat(r.startedAt()).isEqualTo(T0);
      assertThat(r.endedAt()).isEqualTo(T0.plusSeconds(3));
    });
    assertThat(store().model(m.digest())).contains(m);
    StoredModel latest = store().latestModel(ref).orElseThrow();
    assertThat(latest.round()).isEqualTo(1);
    assertThat(latest.model()).isEqualTo(m);
    assertThat(latest.strategyState()).containsExactly(7, 8);
    assertThat(store().metrics(ref, 1)).containsEntry("accuracy", 0.75).containsEntry("log-loss", 0.5);
    assertThat(store().completedRounds(ref)).isEqualTo(1);
  }

  @Test
  void completingARoundThatIsNotInFlightWritesNoModel() {
    StudyRef ref = registered();
    ModelVector m = ModelVector.of(Math.random(), 1, 2, 3);
    assertThatThrownBy(() -> store().completeRound(ref, 1, List.of(), m, new byte[0],
        Map.of("accuracy", 1.0), T0))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not in flight");
    assertThat(store().model(m.digest())).isEmpty();
    assertThat(store().metrics(ref, 1)).isEmpty();
    assertThat(store().latestModel(ref)).isEmpty();
  }

  @Test
  void onlyOneRoundIsInFlightAndRoundsFollowInOrder() {
    StudyRef ref = registered();
    assertThatThrownBy(() -> store().beginRound(ref, 2, List.of("a", "b"), T0))
        .hasMessageContaining("the next is 1");
    store().beginRound(ref, 1, List.of("a", "b"), T0);
    assertThatThrownBy(() -> store().beginRound(ref, 1, List.of("a", "b"), T0))
        .hasMessageContaining("in flight");
  }

  @Test
  void abortedRoundIsAttemptedAgainUnderTheSameNumber() {
    StudyRef ref = registered();
    store().beginRound(ref, 1, List.of("a", "b", "c"), T0);
    RoundRecord aborted = store().abortRound(ref, 1, List.of("b", "c"), "1 site left; threshold 2",
        T0.plusSeconds(1));
    RoundRecord again = store().beginRound(ref, 1, List.of("a", "b"), T0.plusSeconds(2));

    assertThat(aborted.state()).isEqualTo(RoundState.ABORTED);
    assertThat(aborted.abortReason()).contains("threshold 2");
    assertThat(aborted.modelDigest()).isNull();
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(store().rounds(ref)).extracting(RoundRecord::state)
        .containsExactly(RoundState.ABORTED, RoundState.IN_FLIGHT);
  }

  @Test
  void startUpAbortsEveryRoundInFlight() {
    StudyRef ref = registered();
    store().beginRound(ref, 1, List.of("a", "b"), T0);
    store().completeRound(ref, 1, List.of(), ModelVector.of(1, 2, 3, 4), new byte[0], Map.of(), T0);
    store().beginRound(ref, 2, List.of("a", "b"), T0);

    List<RoundRecord> aborted = store().abortAllInFlight("aggregator restarted", T0.plusSeconds(9));

    assertThat(aborted).filteredOn(r -> r.study().equals(ref)).singleElement()
        .satisfies(r -> assertThat(r.number()).isEqualTo(2));
    assertThat(store().rounds(ref)).extracting(RoundRecord::state)
        .containsExactly(RoundState.COMPLETED, RoundState.ABORTED);
    assertThat(store().completedRounds(ref)).isEqualTo(1);
    assertThat(store().beginRound(ref, 2, List.of("a", "b"), T0).attempt()).isEqualTo(2);
  }

  @Test
  void theFirstOwnerClaimWinsAndIsKept() {
    StudyRef ref = registered();
    assertThat(store().owner(ref)).isEmpty();

    assertThat(store().claimOwner(ref, "certificate:alice")).isEqualTo("certificate:alice");
    assertThat(store().claimOwner(ref, "token:https://issuer.example#alice")).as("a later claim loses")
        .isEqualTo("certificate:alice");
    store().registerStudy(store().study(ref).orElseThrow());
    store().setStatus(ref, StudyStatus.STOPPED);

    assertThat(store().owner(ref)).as("registering again and status changes keep the owner")
        .contains("certificate:alice");
    assertThat(store().owner(plan(Strategy.FEDAVG).ref())).isEmpty();
    assertThatThrownBy(() -> store().claimOwner(plan(Strategy.FEDAVG).ref(), "certificate:alice"))
        .isInstanceOf(StoreException.class).hasMessageContaining("not registered");
  }

  @Test
  void statusChangesArePersisted() {
    StudyRef ref = registered();
    store().setStatus(ref, StudyStatus.COMPLETED);
    assertThat(store().status(ref)).contains(StudyStatus.COMPLETED);
    assertThat(store().studies(StudyStatus.ACTIVE)).noneMatch(p -> p.ref().equals(ref));
  }

  @Test
  void modelSpecAndProvisioningsAreReadBackWithoutWeights() {
    StudyRef ref = registered();
    ModelSpec spec = new ModelSpec(List.of("age", "chol"), "logistic-regression", false);
    store().recordModelSpec(ref, spec);
    store().recordModelSpec(ref, spec);
    ModelProvisioning p = new ModelProvisioning(ref, 5, "12".repeat(32), "34".repeat(32), "http://tee/fhir",
        "simulated", "56".repeat(48), T0, T0.plusSeconds(1));
    store().recordProvisioning(p);

    assertThat(store().modelSpec(ref)).contains(spec);
    assertThat(store().provisionings(ref)).containsExactly(p);
    assertThatThrownBy(() -> store().recordModelSpec(ref, new ModelSpec(List.of("age"), "logistic-regression", true)))
        .isInstanceOf(StoreException.class).hasMessageContaining("another model spec");
    StudyRef unknown = plan(Strategy.FEDAVG).ref();
    assertThat(store().provisionings(unknown)).isEmpty();
    assertThatThrownBy(() -> store().recordProvisioning(new ModelProvisioning(unknown, 1, null, "34".repeat(32),
        "http://tee/fhir", "simulated", "56".repeat(48), T0, T0))).isInstanceOf(StoreException.class);
  }
}
