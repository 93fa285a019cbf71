package org.fedfhir.aggregator.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.UUID;
import org.fedfhir.aggregator.statistics.ReleaseStore.StoredDefinition;
import org.fedfhir.aggregator.statistics.ReleaseStore.StoredRelease;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.securecompute.statistics.PrivacyBudgetExhaustedException;
import org.fedfhir.securecompute.statistics.PrivacyLedger;
import org.junit.jupiter.api.Test;

/** What every {@link ReleaseStore} promises, run against each implementation. */
abstract class ReleaseStoreContract {

  /** The store under test; it may hold other tests' studies (each test uses studies of its own). */
  abstract ReleaseStore store();

  static StudyRef newStudy() {
    return new StudyRef("http://fedfhir.org/fhir/PlanDefinition/release-" + UUID.randomUUID(), "1");
  }

  static StoredRelease release(StudyRef study, int round, Instant at) {
    return new StoredRelease(study, round, 3, at, "{\"resourceType\":\"Parameters\",\"id\":\"r" + round
        + "\",\"parameter\":[{\"name\":\"note\",\"valueString\":\"χ² ≥ 5 – “quoted”\"}]}");
  }

  @Test
  void theLedgerHandedOutKeepsItsChargesAndRefusesWhatTheBudgetCannotPay() {
    StudyRef study = newStudy();
    PrivacyLedger ledger = store().ledger(study, 1.0);
    ledger.charge("cp-by-diagnosis", 0.6);
    store().record(release(study, 1, Instant.parse("2025-03-01T10:00:00Z")));

    PrivacyLedger again = store().ledger(study, 1.0);

    assertThat(again).isSameAs(ledger);
    assertThat(again.remaining()).isCloseTo(0.4, within(1e-12));
    assertThatThrownBy(() -> again.charge("cp-by-diagnosis", 0.6)).isInstanceOf(PrivacyBudgetExhaustedException.class);
    assertThat(again.entries()).containsExactly(new PrivacyLedger.Entry("cp-by-diagnosis", 0.6));
  }

  @Test
  void anotherBudgetNeverGivesBackSpentEpsilonNorRaisesTheBudget() {
    StudyRef study = newStudy();
    store().ledger(study, 1.0).charge("chol-by-sex", 0.6);
    store().record(release(study, 1, Instant.parse("2025-03-01T10:00:00Z")));

    assertThat(store().ledger(study, 5.0).budget()).isEqualTo(1.0);
    assertThat(store().ledger(study, 5.0).spent()).isCloseTo(0.6, within(1e-12));
    PrivacyLedger lowered = store().ledger(study, 0.8);
    assertThat(lowered.budget()).isEqualTo(0.8);
    assertThat(lowered.spent()).isCloseTo(0.6, within(1e-12));
    PrivacyLedger belowSpent = store().ledger(study, 0.1);
    assertThat(belowSpent.spent()).isCloseTo(0.6, within(1e-12));
    assertThat(belowSpent.remaining()).isCloseTo(0, within(1e-12));
    assertThat(store().ledger(study, 1.0).remaining()).isCloseTo(0, within(1e-12));
    assertThat(store().ledger(study, 1.0).entries()).containsExactly(new PrivacyLedger.Entry("chol-by-sex", 0.6));
  }

  @Test
  void eachStudyHasItsOwnLedger() {
    StudyRef a = newStudy();
    StudyRef b = newStudy();
    store().ledger(a, 1.0).charge("x", 1.0);

    assertThat(store().ledger(b, 1.0).remaining()).isEqualTo(1.0);
    assertThat(store().ledger(a, 1.0).study()).isEqualTo(a.toString());
  }

  @Test
  void releasesAreListedOldestFirstPerStudy() {
    StudyRef study = newStudy();
    StudyRef other = newStudy();
    StoredRelease first = release(study, 1, Instant.parse("2025-03-01T10:00:00.123456Z"));
    StoredRelease second = release(study, 2, Instant.parse("2025-03-01T11:00:00Z"));
    store().record(first);
    store().record(release(other, 1, Instant.parse("2025-03-01T10:30:00Z")));
    store().record(second);

    assertThat(store().releases(study)).containsExactly(first, second);
    assertThat(store().releases(newStudy())).isEmpty();
  }

  @Test
  void aReleaseIsKeptExactlyAsRecorded() {
    StudyRef study = newStudy();
    String json = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"big\",\"valueString\":\""
        + "Σ".repeat(100_000) + "\"}]}";
    StoredRelease release = new StoredRelease(study, 7, 4, Instant.parse("2025-03-02T08:00:00Z"), json);
    store().record(release);

    assertThat(store().releases(study)).singleElement().satisfies(r -> {
      assertThat(r.resultJson()).isEqualTo(json);
      assertThat(r).isEqualTo(release);
    });
  }

  @Test
  void aDefinitionIsReplacedUnderItsIdAndForgottenWhenRemoved() {
    String id = "stats-" + UUID.randomUUID().toString().substring(0, 8);
    String other = id + "-other";
    StudyRef study = newStudy();
    StudyRef next = new StudyRef(study.url(), "2");
    store().recordDefinition(new StoredDefinition(id, study, "{\"v\":1}"));
    store().recordDefinition(new StoredDefinition(other, study, "{\"v\":1}"));
    store().recordDefinition(new StoredDefinition(id, next, "{\"v\":2}"));

    assertThat(store().definitions()).filteredOn(d -> d.id().startsWith(id)).containsExactly(
        new StoredDefinition(id, next, "{\"v\":2}"), new StoredDefinition(other, study, "{\"v\":1}"));

    store().removeDefinition(id);
    store().removeDefinition("never-kept");

    assertThat(store().definitions()).filteredOn(d -> d.id().startsWith(id))
        .containsExactly(new StoredDefinition(other, study, "{\"v\":1}"));
  }
}
