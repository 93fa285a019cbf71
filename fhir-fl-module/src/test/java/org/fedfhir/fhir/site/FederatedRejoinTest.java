package org.fedfhir.fhir.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.fedfhir.aggregator.fhir.StudyPlans;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.RoundRecord;
import org.fedfhir.aggregator.store.RoundState;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.testing.DyingSite;
import org.fedfhir.aggregator.testing.InProcessAggregator;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.federation.Aggregator;
import org.fedfhir.fhir.federation.FederatedSettings;
import org.fedfhir.fhir.federation.FederationClient;
import org.fedfhir.fhir.federation.Rejoin;
import org.fedfhir.fhir.federation.SiteRoundWork;
import org.fedfhir.fhir.federation.SiteRows;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.training.TrainingData;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.study.StudyReader;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A training site whose session with the aggregator breaks on the transport rejoins the same study
 * ({@link FederatedTrainingService}, {@link Rejoin}): through the real aggregator and secure
 * aggregation on the in-process transport, Cleveland's connection is cut as round 3 starts, it joins
 * again and contributes to the rounds after, and its Task completes saying so; on plain objects, an
 * aggregator that stays unreachable fails the Task at the rejoin deadline with a reason that says so,
 * and a refusal is never retried.
 */
class FederatedRejoinTest {
  static final LocalDate TODAY = LocalDate.now();
  static final Requester CALLER = Requester.anonymous("127.0.0.1");
  static final List<HeartDiseaseCentre> CENTRES = List.of(HeartDiseaseCentre.CLEVELAND, HeartDiseaseCentre.HUNGARIAN,
      HeartDiseaseCentre.SWITZERLAND);

  final InMemorySite site = new InMemorySite();
  final List<String> reasons = new CopyOnWriteArrayList<>();
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  /** FedAvg, 4 training rounds, every round with all three centres (min-sites 3). */
  static PlanDefinition study() {
    Map<String, Type> parameters = new LinkedHashMap<>();
    parameters.put("strategy", new CodeType("fedavg"));
    parameters.put("rounds", new IntegerType(4));
    parameters.put("min-sites", new IntegerType(3));
    return Fixtures.study("heart-disease-lr", parameters);
  }

  /** The site's Tasks, each statusReason it was given kept in {@link #reasons}. */
  Tasks recordingReasons() {
    return new Tasks() {
      @Override
      public String create(Task task) {
        return site.create(task);
      }

      @Override
      public void update(String taskId, Consumer<Task> change) {
        site.update(taskId, t -> {
          change.accept(t);
          if (t.getStatusReason().hasText()) {
            reasons.add(t.getStatusReason().getText());
          }
        });
      }
    };
  }

  Task start(InMemoryClinicalData data, PlanDefinition pd, Aggregator aggregator, Rejoin rejoin) throws SiteRefusal {
    site.approve("lr", pd);
    FederatedTrainingService federated = new FederatedTrainingService(data, recordingReasons(), site,
        new UcumConverter(), "cleveland", aggregator, rejoin, Clock.systemUTC());
    LocalTrainingService service = new LocalTrainingService(new StudyAdmission(site, site, new StudyReader()),
        data, site, site, new UcumConverter(), "cleveland", federated);
    closing.add(federated);
    closing.add(service);
    return service.start("lr", "federated", CALLER);
  }

  @Test
  void aSiteWhoseConnectionIsCutRejoinsTheStudyContributesToLaterRoundsAndItsTaskCompletes() throws Exception {
    PlanDefinition pd = study();
    StudyDefinition parsed = new StudyParser().parse(pd);
    StudyStore store = new InMemoryStudyStore();
    StudyPlan plan = StudyPlans.from(pd, org.fedfhir.ig.StudyDigest.sha256Hex(Fixtures.CTX, pd));
    store.registerStudy(plan);
    InProcessAggregator aggregator = InProcessAggregator.over(store).encoding(PrivateFederatedStudyTest.ENCODING)
        .stageTimeout(Duration.ofSeconds(10)).start();
    closing.add(aggregator);

    CuttableLink link = new CuttableLink(aggregator);
    Task task = start(Fixtures.centre(HeartDiseaseCentre.CLEVELAND, TODAY), pd, link,
        new Rejoin(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(60)));

    List<CompletableFuture<SiteSession.Outcome>> others = new ArrayList<>();
    for (HeartDiseaseCentre c : CENTRES.subList(1, CENTRES.size())) {
      Extraction ex = new FeatureExtractor(new UcumConverter()).extract(parsed, Fixtures.centre(c, TODAY),
          Instant.now());
      SiteRoundWork work = new SiteRoundWork(SiteRows.stratified(new TrainingData(ex.matrix().names(),
          ex.matrix().values(), ex.matrix().labels()), parsed.parameters().testFraction(),
          parsed.parameters().seed()), FederatedSettings.of(parsed));
      FederationClient client = new FederationClient(aggregator.channel(c.code()), "in-process");
      closing.add(client);
      others.add(client.join(new SiteSession.Study(parsed.url(), parsed.version(), StudyDigest.sha256(Fixtures.CTX,
          pd), work.modelDimension()), work));
    }
    for (CompletableFuture<SiteSession.Outcome> o : others) {
      assertThat(o.get(120, TimeUnit.SECONDS).completedRounds()).isEqualTo(6);
    }
    Task ended = site.ended(task.getIdElement().getIdPart()).get(120, TimeUnit.SECONDS);

    assertThat(ended.getStatus()).as("Task " + ended.getStatusReason().getText()).isEqualTo(Task.TaskStatus.COMPLETED);
    assertThat(link.sessions.get()).isEqualTo(2);
    assertThat(reasons).anyMatch(r -> r.contains("UNAVAILABLE") && r.contains("rejoining the study: attempt 1 at ")
        && r.contains(", giving up at "));
    assertThat(ended.getStatusReason().getText()).startsWith("rejoined the study once after its session with the "
        + "aggregator broke");
    List<RoundRecord> rounds = store.rounds(plan.ref());
    int left = rounds.stream().filter(r -> r.participants().contains("cleveland") && r.dropouts().contains("cleveland"))
        .mapToInt(RoundRecord::number).min().orElseThrow(() -> new AssertionError("cleveland a dropout: " + rounds));
    assertThat(left).isEqualTo(3);
    assertThat(rounds).as("cleveland contributes to a round after it rejoined").anyMatch(r -> r.number() > left
        && r.state() == RoundState.COMPLETED && r.participants().contains("cleveland")
        && !r.dropouts().contains("cleveland"));
    assertThat(rounds.stream().filter(r -> r.state() == RoundState.COMPLETED).map(RoundRecord::number).toList())
        .containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void anAggregatorThatStaysUnreachableFailsTheTaskAtTheRejoinDeadlineSayingSo() throws Exception {
    Unreachable aggregator = new Unreachable(Status.UNAVAILABLE.withDescription("io exception"));
    Task task = start(Fixtures.centre(HeartDiseaseCentre.CLEVELAND, TODAY), study(), aggregator,
        new Rejoin(Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofMillis(300)));

    Task failed = site.ended(task.getIdElement().getIdPart()).get(60, TimeUnit.SECONDS);

    assertThat(failed.getStatus()).isEqualTo(Task.TaskStatus.FAILED);
    assertThat(failed.getStatusReason().getText()).startsWith("the aggregator at aggregator.test:7443 is unreachable "
        + "(UNAVAILABLE: io exception); gave up rejoining the study after ").endsWith(" attempts in PT0.3S");
    assertThat(reasons).anyMatch(r -> r.contains("rejoining the study: attempt 2 at "));
    // 10, 20, 40, 40, … ms: at most 300 / 40 + 3 sessions in 300 ms
    assertThat(aggregator.joins.get()).isBetween(3, 11);
  }

  @Test
  void aRefusalIsNotRetried() throws Exception {
    Unreachable aggregator = new Unreachable(Status.FAILED_PRECONDITION.withDescription("NOT_JOINED: study ended"));
    Task task = start(Fixtures.centre(HeartDiseaseCentre.CLEVELAND, TODAY), study(), aggregator, Rejoin.DEFAULT);

    Task failed = site.ended(task.getIdElement().getIdPart()).get(60, TimeUnit.SECONDS);

    assertThat(failed.getStatus()).isEqualTo(Task.TaskStatus.FAILED);
    assertThat(failed.getStatusReason().getText()).isEqualTo("the aggregator at aggregator.test:7443 refused or "
        + "ended the session (FAILED_PRECONDITION: NOT_JOINED: study ended)");
    assertThat(aggregator.joins.get()).isEqualTo(1);
  }

  /**
   * Cleveland's connection to the in-process aggregator: a new channel per session, as a reconnect
   * gives; the first session's channel is shut down as round 3 starts, the round's message undelivered.
   */
  static final class CuttableLink implements Aggregator {
    final InProcessAggregator aggregator;
    final AtomicInteger sessions = new AtomicInteger();
    volatile FederationClient last;

    CuttableLink(InProcessAggregator aggregator) {
      this.aggregator = aggregator;
    }

    @Override
    public CompletableFuture<SiteSession.Outcome> join(SiteSession.Study study, SiteSession.RoundWork work,
        SiteSession.Disclosure disclosure) {
      ManagedChannel[] channel = new ManagedChannel[1];
      ClientInterceptor[] cut = sessions.incrementAndGet() > 1 ? new ClientInterceptor[0]
          : new ClientInterceptor[] {DyingSite.dieOn(m -> m.hasRoundStart()
              && m.getRoundStart().getBinding().getRound() == 3, () -> channel[0].shutdownNow())};
      channel[0] = aggregator.channel("cleveland", cut);
      last = new FederationClient(channel[0], "in-process");
      return last.join(study, work, disclosure);
    }

    @Override
    public String target() {
      return "in-process";
    }

    @Override
    public String describe(Throwable failure) {
      return last.describe(failure);
    }

    @Override
    public void close() {}
  }

  /** An aggregator every session with which fails at once with {@code status}, counting the sessions. */
  static final class Unreachable implements Aggregator {
    final Status status;
    final AtomicInteger joins = new AtomicInteger();

    Unreachable(Status status) {
      this.status = status;
    }

    @Override
    public CompletableFuture<SiteSession.Outcome> join(SiteSession.Study study, SiteSession.RoundWork work,
        SiteSession.Disclosure disclosure) {
      joins.incrementAndGet();
      return CompletableFuture.failedFuture(status.asRuntimeException());
    }

    @Override
    public String target() {
      return "aggregator.test:7443";
    }

    @Override
    public String describe(Throwable failure) {
      return new FederationClient(null, target()).describe(failure);
    }

    @Override
    public void close() {}
  }
}
