package org.fedfhir.aggregator.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.aggregator.round.SecAggSecureSum;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.RoundRecord;
import org.fedfhir.aggregator.store.RoundState;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.strategy.ModelVector;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.study.StatisticsDeclarations;
import org.fedfhir.securecompute.statistics.ContingencyTable;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.Release;
import org.fedfhir.securecompute.statistics.SiteDisclosure;
import org.fedfhir.securecompute.statistics.SiteStatistics;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.fedfhir.securecompute.statistics.WelchTest;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Statistics studies over gRPC (in-process transport): {@link SiteSession}s at the sites compute
 * their sufficient statistics with {@link SiteStatistics}, the aggregator's
 * {@link StatisticsStudy} sums them with the real secure aggregation ({@link SecAggSecureSum})
 * and releases the combined result under disclosure control.
 */
class StatisticsNetworkTest {

  static final StudyRef STUDY = new StudyRef("http://fedfhir.org/fhir/PlanDefinition/stats-test", "1");
  static final String DIGEST = "b2".repeat(32);
  static final List<String> FEATURES = List.of("cp", "sex", "chol", "thalach");

  static final StatisticDeclaration CP_BY_LABEL = new StatisticDeclaration.Crosstab("cp-by-diagnosis", "cp",
      List.of("1", "2", "3", "4"), "label", List.of("0", "1"), Optional.empty());
  // bounds and bins wide enough that no site's bin or clipped count is small: every site passes
  static final StatisticDeclaration CHOL_BY_SEX = new StatisticDeclaration.Summary("chol-by-sex", "chol", "sex",
      List.of("0", "1"), 0, 640, new double[] {0, 150, 640}, new double[] {0.5}, Optional.empty());
  static final StatisticDeclaration THALACH_BY_LABEL = new StatisticDeclaration.Welch("thalach-by-diagnosis",
      "thalach", "label", List.of("1", "0"), 60, 210, Optional.empty());
  static final StatisticsDeclarations.Study DECLARED = new StatisticsDeclarations.Study(
      List.of(CP_BY_LABEL, CHOL_BY_SEX, THALACH_BY_LABEL), DisclosurePolicy.defaults(), 10_000, Optional.empty());

  private InProcessStatisticsAggregator aggregator;
  private InMemoryStudyStore store;
  private InMemoryReleaseStore releases;
  private StatisticsStudies statistics;

  private StatisticsStudy startAggregator(int minSites, int threshold) throws Exception {
    aggregator = new InProcessStatisticsAggregator(DECLARED, minSites, threshold);
    store = aggregator.store;
    releases = aggregator.releases;
    statistics = aggregator.statistics;
    return aggregator.coordinator;
  }

  @AfterEach
  void stop() {
    if (aggregator != null) {
      aggregator.close();
    }
  }

  /**
   * Synthetic patients of one site: cp 1–4, sex, cholesterol, max heart rate, diagnosis. Chest pain
   * type 1 is rare: 6 patients without a diagnosis at every site, and at sites of odd seed 3 with
   * one (a cell under the minimum count of 5, so those sites withhold the crosstab).
   */
  static SiteStatistics.Rows rows(long seed, int n) {
    Random r = new Random(seed);
    double[][] values = new double[n][];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int label = r.nextInt(2);
      int cp = 2 + r.nextInt(3);
      if (i < 3 && seed % 2 == 1) {
        cp = 1;
        label = 1;
      } else if (i < 9) {
        cp = 1;
        label = 0;
      }
      values[i] = new double[] {cp, r.nextInt(2), 150 + r.nextGaussian() * 40 + r.nextDouble(),
          i == 5 ? Double.NaN : 140 + 20 * r.nextGaussian() - 15 * label};
      labels[i] = label;
    }
    return new SiteStatistics.Rows(FEATURES, values, labels);
  }

  static SiteStatistics.Rows pooled(List<SiteStatistics.Rows> sites) {
    List<double[]> values = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (SiteStatistics.Rows s : sites) {
      for (int i = 0; i < s.size(); i++) {
        values.add(s.values()[i]);
        labels.add(s.labels()[i]);
      }
    }
    return new SiteStatistics.Rows(FEATURES, values.toArray(double[][]::new),
        labels.stream().mapToInt(Integer::intValue).toArray());
  }

  static SiteSession.StatisticsWork work(SiteStatistics.Rows rows) {
    return new SiteSession.StatisticsWork() {
      @Override
      public double[] statistics(int round, int threshold) {
        return firstRound(rows);
      }
    };
  }

  /**
   * A site's first-round vector as a site sends it: each statistic's slice, checked against the
   * site's minimum cell count 5 first (zeros where withheld), then the contributor flags.
   */
  static double[] firstRound(SiteStatistics.Rows rows) {
    return new SiteDisclosure(DECLARED.statistics(), DisclosurePolicy.defaults())
        .firstRound(new SiteStatistics(DECLARED.statistics(), DECLARED.maxRecordsPerSite()).parts(rows));
  }

  private ManagedChannel channel(String site, ClientInterceptor... extra) {
    return aggregator.channel(site, extra);
  }

  /** A site that dies, like its process, when the aggregator delivers the other sites' key shares. */
  private ManagedChannel dyingAfterSharingKeys(String site) {
    ManagedChannel[] self = new ManagedChannel[1];
    ClientInterceptor killer = new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onMessage(R message) {
                if (message instanceof AggregatorMessage m && m.hasSharesDelivery()) {
                  self[0].shutdownNow();
                  return;
                }
                super.onMessage(message);
              }
            }, headers);
          }
        };
      }
    };
    self[0] = channel(site, killer);
    return self[0];
  }

  private CompletableFuture<SiteSession.Outcome> join(ManagedChannel channel, SiteStatistics.Rows rows) {
    return new SiteSession(FederationGrpc.newStub(channel),
        new SiteSession.Study(STUDY.url(), STUDY.version(), HexFormat.of().parseHex(DIGEST), DECLARED.length()),
        work(rows), new SecureRandom(), new SiteSession.Disclosure(5, false)).start();
  }

  private static void awaitJoined(StatisticsStudy c, int n) {
    await().atMost(Duration.ofSeconds(5)).until(() -> c.joinedSites().size() >= n);
    assertThat(c.joinedSites()).hasSize(n);
  }

  /** The same statistics computed in one place on the pooled rows. */
  static List<Object> pooledResults(SiteStatistics.Rows pooled, int sites) {
    SiteStatistics one = new SiteStatistics(DECLARED.statistics(), Integer.MAX_VALUE);
    double[] v = one.encode(pooled);
    List<Object> out = new ArrayList<>();
    int offset = 0;
    for (StatisticDeclaration d : DECLARED.statistics()) {
      int len = d.statistic().length();
      out.add(d.statistic().combine(java.util.Arrays.copyOfRange(v, offset, offset + len),
          Release.of(DisclosurePolicy.defaults(), sites)));
      offset += len;
    }
    return out;
  }

  static ParametersParameterComponent statistic(Parameters p, String name) {
    return p.getParameter().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow();
  }

  static ParametersParameterComponent part(ParametersParameterComponent p, String name) {
    return p.getPart().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow();
  }

  static double decimal(ParametersParameterComponent p, String name) {
    return Double.parseDouble(part(p, name).getValue().primitiveValue());
  }

  /** Released counts (null where suppressed) of the crosstab, cells row-major. */
  static List<Long> releasedCells(Parameters p) {
    MeasureReport report = (MeasureReport) p.getParameter("report").getResource();
    List<Long> cells = new ArrayList<>();
    for (MeasureReport.StratifierGroupComponent s : report.getGroupFirstRep().getStratifierFirstRep().getStratum()) {
      if (s.getComponent().size() == 2) {
        cells.add(s.getPopulationFirstRep().hasCount() ? (long) s.getPopulationFirstRep().getCount() : null);
      }
    }
    return cells;
  }

  @Test
  void releasedStatisticsOfThreeSitesEqualThePooledStatistics() throws Exception {
    StatisticsStudy coordinator = startAggregator(3, 0);
    List<SiteStatistics.Rows> sites = List.of(rows(2, 120), rows(4, 80), rows(6, 150));
    List<CompletableFuture<SiteSession.Outcome>> outcomes = new ArrayList<>();
    for (int s = 0; s < sites.size(); s++) {
      outcomes.add(join(channel("site-" + s), sites.get(s)));
    }
    awaitJoined(coordinator, 3);

    StatisticsStudy.Released released = coordinator.run(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);

    assertThat(released.sites()).isEqualTo(3);
    Parameters p = released.result();
    assertThat(p.getParameter("siteCount").getValue().primitiveValue()).isEqualTo("3");
    List<Object> pooled = pooledResults(pooled(sites), 3);
    ContingencyTable.Result table = (ContingencyTable.Result) pooled.get(0);
    List<Long> expected = new ArrayList<>();
    for (var row : table.cells()) {
      for (var c : row) {
        expected.add(c.isPresent() ? c.getAsLong() : null);
      }
    }
    assertThat(releasedCells(p)).containsExactlyElementsOf(expected).doesNotContainNull();
    assertThat(decimal(statistic(p, "cp-by-diagnosis"), "chiSquare"))
        .isCloseTo(table.chiSquare().orElseThrow().statistic(), within(1e-9));
    WelchTest.Result welch = (WelchTest.Result) pooled.get(2);
    assertThat(decimal(statistic(p, "thalach-by-diagnosis"), "t")).isCloseTo(welch.test().orElseThrow().t(), within(1e-6));
    assertThat(decimal(part(statistic(p, "thalach-by-diagnosis"), "group"), "mean"))
        .isCloseTo(welch.a().mean().getAsDouble(), within(1e-6));
    ParametersParameterComponent women = part(statistic(p, "chol-by-sex"), "group");
    var pooledWomen = ((org.fedfhir.securecompute.statistics.NumericSummary.Result) pooled.get(1)).groups().get(0);
    assertThat(decimal(women, "count")).isEqualTo((double) pooledWomen.count().getAsLong());
    assertThat(decimal(women, "mean")).isCloseTo(pooledWomen.mean().getAsDouble(), within(1e-6));
    assertThat(decimal(women, "variance")).isCloseTo(pooledWomen.variance().getAsDouble(), within(1e-6));
    for (CompletableFuture<SiteSession.Outcome> o : outcomes) {
      assertThat(o.get(10, TimeUnit.SECONDS).completedRounds()).isEqualTo(1);
    }
    assertThat(releases.releases(STUDY)).hasSize(1);
  }

  /** Released cells of a pooled table, row-major (null where suppressed). */
  private static List<Long> cells(ContingencyTable.Result table) {
    List<Long> cells = new ArrayList<>();
    for (var row : table.cells()) {
      for (var c : row) {
        cells.add(c.isPresent() ? c.getAsLong() : null);
      }
    }
    return cells;
  }

  private static String siteCount(Parameters p, String statistic) {
    return part(statistic(p, statistic), "siteCount").getValue().primitiveValue();
  }

  @Test
  void aSiteWithASmallCellWithholdsItsTableSoTheReleasedTableIsTheOtherSitesAlone() throws Exception {
    StatisticsStudy coordinator = startAggregator(3, 0);
    // site-0 (odd seed) holds 3 patients with cp=1 and a diagnosis: under its minimum cell count 5
    List<SiteStatistics.Rows> sites = List.of(rows(3, 80), rows(4, 80), rows(6, 80));
    for (int s = 0; s < sites.size(); s++) {
      join(channel("site-" + s), sites.get(s));
    }
    awaitJoined(coordinator, 3);

    Parameters p = coordinator.run(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS).result();

    double[] sent = firstRound(sites.get(0));
    int tableLength = CP_BY_LABEL.statistic().length();
    assertThat(java.util.Arrays.copyOf(sent, tableLength)).as("site-0's crosstab slice").containsOnly(0.0);
    assertThat(java.util.Arrays.copyOfRange(sent, sent.length - 3, sent.length)).containsExactly(0, 1, 1);
    ContingencyTable.Result others = (ContingencyTable.Result) pooledResults(pooled(sites.subList(1, 3)), 2).get(0);
    assertThat(releasedCells(p)).containsExactlyElementsOf(cells(others)).doesNotContainNull();
    assertThat(releasedCells(p).get(1)).as("cp=1, diagnosis=1: site-0's 3 patients are not in the sum").isZero();
    assertThat(siteCount(p, "cp-by-diagnosis")).isEqualTo("2");
    // the statistics site-0 passes include it
    assertThat(siteCount(p, "chol-by-sex")).isEqualTo("3");
    assertThat(siteCount(p, "thalach-by-diagnosis")).isEqualTo("3");
    assertThat(p.getParameter("siteCount").getValue().primitiveValue()).isEqualTo("3");
    WelchTest.Result welch = (WelchTest.Result) pooledResults(pooled(sites), 3).get(2);
    assertThat(decimal(statistic(p, "thalach-by-diagnosis"), "t")).isCloseTo(welch.test().orElseThrow().t(),
        within(1e-6));
  }

  @Test
  void aTableOnlyOneSiteMayContributeIsWithheldWholeAndSaysWhy() throws Exception {
    StatisticsStudy coordinator = startAggregator(3, 0);
    // the two sites of odd seed hold 3 patients with cp=1 and a diagnosis each: only site-2 passes
    List<SiteStatistics.Rows> sites = List.of(rows(1, 60), rows(3, 60), rows(8, 60));
    for (int s = 0; s < sites.size(); s++) {
      join(channel("site-" + s), sites.get(s));
    }
    awaitJoined(coordinator, 3);

    Parameters p = coordinator.run(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS).result();

    assertThat(releasedCells(p)).hasSize(8).containsOnlyNulls();
    ParametersParameterComponent table = statistic(p, "cp-by-diagnosis");
    assertThat(StatisticsResults.isMasked(part(table, "total").getValue())).isTrue();
    assertThat(StatisticsResults.isMasked(part(table, "chiSquare").getValue())).isTrue();
    assertThat(table.getPart()).filteredOn(x -> x.getName().equals("suppressed"))
        .extracting(x -> x.getValue().primitiveValue()).containsExactly(SiteDisclosure.WITHHELD);
    assertThat(siteCount(p, "cp-by-diagnosis")).isEqualTo("1");
    assertThat(siteCount(p, "thalach-by-diagnosis")).isEqualTo("3");
  }

  @Test
  void theAggregatorStoresOnlyTheReleasedResultAndNoSiteFigure() throws Exception {
    StatisticsStudy coordinator = startAggregator(3, 0);
    List<SiteStatistics.Rows> sites = List.of(rows(12, 70), rows(14, 90), rows(16, 110));
    for (int s = 0; s < sites.size(); s++) {
      join(channel("site-" + s), sites.get(s));
    }
    awaitJoined(coordinator, 3);
    coordinator.run(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);

    RoundRecord round = store.rounds(STUDY).get(0);
    assertThat(round.state()).isEqualTo(RoundState.COMPLETED);
    assertThat(round.participants()).containsExactly("site-0", "site-1", "site-2");
    assertThat(store.metrics(STUDY, 1)).containsOnlyKeys("contributors", "dropouts");
    assertThat(store.latestModel(STUDY).orElseThrow().model()).isEqualTo(ModelVector.zeros(1));
    String stored = releases.releases(STUDY).get(0).resultJson();
    SiteStatistics local = new SiteStatistics(DECLARED.statistics(), DECLARED.maxRecordsPerSite());
    for (SiteStatistics.Rows site : sites) {
      double[] v = local.encode(site);
      // every site's sums of values (Σ(x − c), Σ(x − c)²: non-integers) and its own cell counts as a
      // whole vector appear nowhere in what the aggregator keeps
      for (double x : v) {
        if (x != Math.rint(x)) {
          assertThat(stored).doesNotContain(String.format(java.util.Locale.ROOT, "%.4f", x));
          assertThat(stored).doesNotContain(Double.toString(x));
        }
      }
    }
    assertThat(FhirContext.forR4Cached().newJsonParser().parseResource(Parameters.class, stored)
        .getParameter("siteCount").getValue().primitiveValue()).isEqualTo("3");
  }

  @Test
  void aSiteDroppingOutMidRunLeavesTheTotalOfTheOthersReportedAsSuch() throws Exception {
    StatisticsStudy coordinator = startAggregator(3, 0);
    List<SiteStatistics.Rows> sites = List.of(rows(2, 100), rows(4, 100), rows(6, 100), rows(8, 100));
    join(channel("a"), sites.get(0));
    join(channel("b"), sites.get(1));
    join(dyingAfterSharingKeys("c"), sites.get(2));
    join(channel("d"), sites.get(3));
    awaitJoined(coordinator, 4);

    StatisticsStudy.Released released = coordinator.run(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);

    assertThat(released.sites()).isEqualTo(3);
    assertThat(released.result().getParameter("siteCount").getValue().primitiveValue()).isEqualTo("3");
    ContingencyTable.Result table = (ContingencyTable.Result) pooledResults(
        pooled(List.of(sites.get(0), sites.get(1), sites.get(3))), 3).get(0);
    assertThat(releasedCells(released.result())).containsExactly(java.util.Arrays.stream(table.cells())
        .flatMap(java.util.Arrays::stream).map(c -> c.isPresent() ? c.getAsLong() : null).toArray(Long[]::new));
    assertThat(store.rounds(STUDY).get(0).dropouts()).containsExactly("c");
  }

  @Test
  void belowTheThresholdTheRoundAbortsAndNothingIsReleased() throws Exception {
    StatisticsStudy coordinator = startAggregator(3, 3);
    join(channel("a"), rows(2, 50));
    join(channel("b"), rows(4, 50));
    join(dyingAfterSharingKeys("c"), rows(6, 50));
    awaitJoined(coordinator, 3);

    CompletableFuture<StatisticsStudy.Released> run = coordinator.run(Duration.ofSeconds(5));

    assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(StatisticsRunRefused.class)
        .satisfies(e -> assertThat(((StatisticsRunRefused) e).kind()).isEqualTo(StatisticsRunRefused.Kind.ABORTED));
    assertThat(releases.releases(STUDY)).isEmpty();
    assertThat(store.rounds(STUDY)).extracting(RoundRecord::state).containsExactly(RoundState.ABORTED);
    assertThat(store.metrics(STUDY, 1)).isEmpty();
  }

  /** A site's work that reports when the aggregator accepted its Join. */
  private static SiteSession.RoundWork reportingJoin(SiteSession.StatisticsWork work, CompletableFuture<Integer> joined) {
    return new SiteSession.StatisticsWork() {
      @Override
      public double[] statistics(int round, int threshold) {
        return work.statistics(round, threshold);
      }

      @Override
      public void joined(int completedRounds) {
        joined.complete(completedRounds);
      }
    };
  }

  @Test
  void aSiteIsToldWhenItsJoinIsAcceptedAndARefusedJoinIsNeverReportedAsJoined() throws Exception {
    StatisticsStudy coordinator = startAggregator(3, 0);
    CompletableFuture<Integer> accepted = new CompletableFuture<>();
    CompletableFuture<Integer> refused = new CompletableFuture<>();
    new SiteSession(FederationGrpc.newStub(channel("a")),
        new SiteSession.Study(STUDY.url(), STUDY.version(), HexFormat.of().parseHex(DIGEST), DECLARED.length()),
        reportingJoin(work(rows(2, 50)), accepted), new SecureRandom(), new SiteSession.Disclosure(5, false)).start();
    CompletableFuture<SiteSession.Outcome> other = new SiteSession(FederationGrpc.newStub(channel("b")),
        new SiteSession.Study(STUDY.url(), STUDY.version(), HexFormat.of().parseHex("c3".repeat(32)),
            DECLARED.length()),
        reportingJoin(work(rows(4, 50)), refused), new SecureRandom(), new SiteSession.Disclosure(5, false)).start();

    assertThat(accepted.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(coordinator.joinedSites()).containsExactly("a");
    assertThatThrownBy(() -> other.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasMessageContaining("another definition");
    assertThat(refused).isNotDone();
  }

  @Test
  void withFewerSitesThanMinSitesTheRunIsRefusedAtOnce() throws Exception {
    StatisticsStudy coordinator = startAggregator(3, 0);
    join(channel("a"), rows(2, 50));
    awaitJoined(coordinator, 1);

    assertThatThrownBy(() -> coordinator.run(Duration.ofMillis(200))).isInstanceOf(StatisticsRunRefused.class)
        .hasMessageContaining("1 site(s) joined").hasMessageContaining("at least 3");
    assertThat(store.rounds(STUDY)).isEmpty();
  }

  @Test
  void theOperationAnswersTheReleaseOverHttpAndRefusesWithTooFewSites() throws Exception {
    StatisticsStudy coordinator = startAggregator(3, 0);
    org.hl7.fhir.r4.model.PlanDefinition published = new org.hl7.fhir.r4.model.PlanDefinition();
    published.setUrl(STUDY.url()).setVersion(STUDY.version());
    published.addExtension(StatisticsDeclarations.STUDY_KIND, new org.hl7.fhir.r4.model.CodeType("statistics"));
    SecureStatsService service = new SecureStatsService(statistics, Duration.ofMillis(300), Duration.ofSeconds(30))
        .lookingUpIn(id -> id.equals("stats") ? Optional.of(published) : Optional.empty());
    ca.uhn.fhir.rest.server.RestfulServer fhir = new ca.uhn.fhir.rest.server.RestfulServer(FhirContext.forR4Cached());
    fhir.registerProvider(new org.fedfhir.aggregator.fhir.SecureStatsProvider(service));
    org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server(
        new java.net.InetSocketAddress("127.0.0.1", 0));
    org.eclipse.jetty.ee10.servlet.ServletContextHandler context = new org.eclipse.jetty.ee10.servlet.ServletContextHandler();
    context.addServlet(new org.eclipse.jetty.ee10.servlet.ServletHolder(fhir), "/fhir/*");
    jetty.setHandler(context);
    jetty.start();
    try {
      int port = ((org.eclipse.jetty.server.ServerConnector) jetty.getConnectors()[0]).getLocalPort();
      ca.uhn.fhir.rest.client.api.IGenericClient client = FhirContext.forR4Cached()
          .newRestfulGenericClient("http://127.0.0.1:" + port + "/fhir");
      var operation = client.operation().onInstance(new org.hl7.fhir.r4.model.IdType("PlanDefinition", "stats"))
          .named("$secure-stats").withNoParameters(Parameters.class);

      join(channel("a"), rows(2, 60));
      awaitJoined(coordinator, 1);
      assertThatThrownBy(operation::execute)
          .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException.class)
          .hasMessageContaining("at least 3");
      assertThatThrownBy(() -> client.operation().onInstance(new org.hl7.fhir.r4.model.IdType("PlanDefinition", "x"))
          .named("$secure-stats").withNoParameters(Parameters.class).execute())
          .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException.class);

      join(channel("b"), rows(4, 60));
      join(channel("c"), rows(6, 60));
      awaitJoined(coordinator, 3);
      Parameters answer = operation.execute();

      assertThat(answer.getParameter("siteCount").getValue().primitiveValue()).isEqualTo("3");
      assertThat(answer.getParameter("report").getResource()).isInstanceOf(MeasureReport.class);
      assertThat(answer.getParameter().stream().map(ParametersParameterComponent::getName))
          .contains("cp-by-diagnosis", "chol-by-sex", "thalach-by-diagnosis");
    } finally {
      jetty.stop();
    }
  }

  @Test
  void aSiteWithMoreRecordsThanTheStudyAllowsRefusesAndDropsOut() {
    SiteStatistics local = new SiteStatistics(DECLARED.statistics(), 10);
    assertThatThrownBy(() -> local.encode(rows(2, 11))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 10");
  }

}
