package org.fedfhir.aggregator.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import io.grpc.ManagedChannel;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.aggregator.fhir.StudyPlans;
import org.fedfhir.aggregator.fhir.StudyRegistryProvider;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.testing.AggregatorDatabase;
import org.fedfhir.aggregator.testing.InProcessAggregator;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.study.StatisticsDeclarations;
import org.fedfhir.ig.StudyDigest;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.fedfhir.testing.TestDatabase;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A statistics study across a restart of the aggregator (its database, an H2 file or PostgreSQL, closed
 * and opened again, new coordinators): the ε it spent stays spent, its releases stay, and a study
 * published before the restart is runnable without publishing it again.
 */
@Tag("slow")
class StatisticsRestartTest {

  static final StudyRef STUDY = new StudyRef("http://fedfhir.org/fhir/PlanDefinition/stats-restart", "1");
  static final String DIGEST = "d4".repeat(32);
  /** A differentially private crosstab of ε 0.6 under a study budget of 1. */
  static final StatisticsDeclarations.Study DECLARED = new StatisticsDeclarations.Study(List.of(
      new StatisticDeclaration.Crosstab("cp-by-diagnosis", "cp", List.of("1", "2", "3", "4"), "label",
          List.of("0", "1"), Optional.of(0.6))),
      DisclosurePolicy.defaults(), 10_000, Optional.of(1.0));

  @TempDir
  Path dir;

  /** The aggregator's statistics side on a database: coordinators and their gRPC edge (in-process). */
  private static final class Aggregator implements AutoCloseable {
    final AggregatorDatabase database;
    final StatisticsStudies statistics;
    final InProcessAggregator server;

    Aggregator(TestDatabase.Location at) throws Exception {
      this(at, UnaryOperator.identity());
    }

    /** @param releases wraps the database's release store */
    Aggregator(TestDatabase.Location at, UnaryOperator<ReleaseStore> releases) throws Exception {
      database = AggregatorDatabase.open(at);
      server = InProcessAggregator.over(database.studies()).stageTimeout(Duration.ofSeconds(10)).start();
      statistics = new StatisticsStudies(server.coordinators(), database.studies(),
          releases.apply(database.releases()), Clock.systemUTC(), "test aggregator");
    }

    CompletableFuture<SiteSession.Outcome> join(String site, long seed) {
      ManagedChannel ch = server.channel(site);
      var rows = StatisticsNetworkTest.rows(seed, 80);
      var local = new org.fedfhir.securecompute.statistics.SiteStatistics(DECLARED.statistics(),
          DECLARED.maxRecordsPerSite());
      var disclosure = new org.fedfhir.securecompute.statistics.SiteDisclosure(DECLARED.statistics(),
          DisclosurePolicy.defaults());
      return new SiteSession(FederationGrpc.newStub(ch),
          new SiteSession.Study(STUDY.url(), STUDY.version(), HexFormat.of().parseHex(DIGEST), DECLARED.length()),
          new SiteSession.StatisticsWork() {
            @Override
            public double[] statistics(int round, int threshold) {
              return disclosure.firstRound(local.parts(rows));
            }
          }, new SecureRandom(), new SiteSession.Disclosure(5, false)).start();
    }

    void joinThree(StatisticsStudy coordinator) {
      join("site-a", 2);
      join("site-b", 4);
      join("site-c", 6);
      await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.joinedSites().size() >= 3);
      assertThat(coordinator.joinedSites()).hasSize(3);
    }

    @Override
    public void close() {
      server.close();
      database.close();
    }
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.class)
  void epsilonSpentOnAReleaseBeforeARestartIsStillSpentAfterIt(TestDatabase on) throws Exception {
    TestDatabase.Location database = on.fresh(dir, "aggregator");
    StudyPlan plan = StudyPlan.statistics(STUDY, DIGEST).minSites(3)
        .statisticsLength(DECLARED.length()).build();
    String released;
    try (Aggregator before = new Aggregator(database)) {
      before.database.studies().registerStudy(plan);
      StatisticsStudy coordinator = before.statistics.register(plan, DECLARED);
      before.joinThree(coordinator);

      Parameters answer = coordinator.run(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS).result();

      released = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(answer);
    }

    try (Aggregator after = new Aggregator(database)) {
      StatisticsStudy coordinator = after.statistics.register(after.database.studies().study(STUDY)
          .orElseThrow(), DECLARED);
      after.joinThree(coordinator);

      assertThatThrownBy(() -> coordinator.run(Duration.ofSeconds(5))).isInstanceOfSatisfying(
          StatisticsRunRefused.class, e -> {
            assertThat(e.kind()).isEqualTo(StatisticsRunRefused.Kind.BUDGET_EXHAUSTED);
            assertThat(e).hasMessageContaining("spend ε 0.6").hasMessageContaining("budget 1.0");
          });
      assertThat(after.database.releases().ledger(STUDY, 1.0).remaining()).isCloseTo(0.4, within(1e-12));
      assertThat(after.statistics.releases().releases(STUDY)).singleElement()
          .satisfies(r -> assertThat(r.resultJson()).isEqualTo(released));
    }
  }

  /** A release store whose disk is full: nothing can be recorded. */
  private static final class FullDisk implements ReleaseStore {
    private final ReleaseStore store;

    FullDisk(ReleaseStore store) {
      this.store = store;
    }

    @Override
    public void record(StoredRelease release) {
      throw new org.fedfhir.aggregator.store.StoreException("No space left on device");
    }

    @Override
    public List<StoredRelease> releases(StudyRef study) {
      return store.releases(study);
    }

    @Override
    public org.fedfhir.securecompute.statistics.PrivacyLedger ledger(StudyRef study, double budget) {
      return store.ledger(study, budget);
    }

    @Override
    public void recordDefinition(StoredDefinition definition) {
      store.recordDefinition(definition);
    }

    @Override
    public void removeDefinition(String id) {
      store.removeDefinition(id);
    }

    @Override
    public List<StoredDefinition> definitions() {
      return store.definitions();
    }
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.class)
  void aReleaseThatCannotBeRecordedIsNotAnsweredAndItsEpsilonStaysSpent(TestDatabase on) throws Exception {
    TestDatabase.Location database = on.fresh(dir, "aggregator");
    StudyPlan plan = StudyPlan.statistics(STUDY, DIGEST).minSites(3)
        .statisticsLength(DECLARED.length()).build();
    try (Aggregator aggregator = new Aggregator(database, FullDisk::new)) {
      aggregator.database.studies().registerStudy(plan);
      StatisticsStudy coordinator = aggregator.statistics.register(plan, DECLARED);
      aggregator.joinThree(coordinator);

      CompletableFuture<StatisticsStudy.Released> run = coordinator.run(Duration.ofSeconds(5));

      assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(StatisticsRunRefused.class, e -> {
            assertThat(e.kind()).isEqualTo(StatisticsRunRefused.Kind.ABORTED);
            assertThat(e).hasMessageContaining("could not be recorded").hasMessageContaining("No space left");
          });
      assertThat(aggregator.statistics.releases().releases(STUDY)).isEmpty();
      // the run is over (not stuck in flight) and the noise drawn with ε 0.6 is not drawn again
      aggregator.joinThree(coordinator);
      assertThatThrownBy(() -> coordinator.run(Duration.ofSeconds(5))).isInstanceOfSatisfying(
          StatisticsRunRefused.class, e -> assertThat(e.kind()).isEqualTo(StatisticsRunRefused.Kind.BUDGET_EXHAUSTED));
    }
  }

  /** The guide's example statistics study (heart disease), as published. */
  static PlanDefinition exampleStatisticsStudy() throws Exception {
    try (InputStream in = FedFhirIg.class.getClassLoader()
        .getResourceAsStream("org/fedfhir/ig/generated/resources/PlanDefinition-statistics-heart-disease.json")) {
      return FhirContext.forR4Cached().newJsonParser().parseResource(PlanDefinition.class, in);
    }
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.class)
  void aStatisticsStudyPublishedBeforeARestartIsRunnableWithoutPublishingItAgain(TestDatabase on) throws Exception {
    TestDatabase.Location database = on.fresh(dir, "aggregator");
    PlanDefinition definition = exampleStatisticsStudy();
    StudyRef ref = new StudyRef(definition.getUrl(), definition.getVersion());
    StatisticsDeclarations.Study declared = StatisticsDeclarations.read(definition);
    StudyPlan plan = StatisticsStudies.plan(StudyPlans.from(definition,
        StudyDigest.sha256Hex(FhirContext.forR4Cached(), definition)), declared);
    try (Aggregator before = new Aggregator(database)) {
      // as the study registry publishes it
      before.database.studies().registerStudy(plan);
      before.statistics.publish("stats-hd", plan, declared, definition);
      before.statistics.publish("since-taken", plan, declared, definition);
      before.statistics.unpublish("since-taken"); // a training study was published under that id
      PlanDefinition amended = definition.copy().setTitle("amended in the database");
      before.database.releases().recordDefinition(new ReleaseStore.StoredDefinition("tampered", ref,
          FhirContext.forR4Cached().newJsonParser().encodeResourceToString(amended)));
    }

    try (Aggregator after = new Aggregator(database)) {
      assertThat(after.statistics.forStudy(ref)).isEmpty();

      StatisticsStudies.Recovered recovered = after.statistics.recover();

      assertThat(recovered.studies()).containsExactly(ref);
      assertThat(recovered.refused()).singleElement().asString()
          .contains("PlanDefinition/tampered").contains("digest");
      assertThat(after.statistics.forStudy(ref)).hasValueSatisfying(c -> assertThat(c.plan()).isEqualTo(plan));
      StudyRegistryProvider registry = new StudyRegistryProvider(new CompletableFuture<>(), after.database.studies(),
          after.statistics);
      assertThat(registry.read(new IdType("PlanDefinition", "stats-hd")).getUrl()).isEqualTo(definition.getUrl());
      assertThat(StudyDigest.sha256Hex(FhirContext.forR4Cached(), registry.published("stats-hd").orElseThrow()))
          .isEqualTo(plan.definitionDigest());
      assertThat(registry.published("since-taken")).isEmpty();
      assertThat(registry.published("tampered")).isEmpty();
      SecureStatsService service = new SecureStatsService(after.statistics, Duration.ZERO, Duration.ofSeconds(10))
          .lookingUpIn(registry::published);
      // runnable: refused only because no site has joined yet
      assertThatThrownBy(() -> service.run("stats-hd")).isInstanceOfSatisfying(StatisticsRunRefused.class,
          e -> assertThat(e.kind()).isEqualTo(StatisticsRunRefused.Kind.TOO_FEW_SITES));
    }
  }
}
