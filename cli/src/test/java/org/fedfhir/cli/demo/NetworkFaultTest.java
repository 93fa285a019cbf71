package org.fedfhir.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ca.uhn.fhir.context.FhirContext;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.fedfhir.access.Role;
import org.fedfhir.aggregator.pki.CaPassphrase;
import org.fedfhir.aggregator.pki.PartyName;
import org.fedfhir.aggregator.pki.PkiDirectory;
import org.fedfhir.federation.Strategy;
import org.fedfhir.securecompute.attestation.EvidenceFormat;
import org.fedfhir.tee.enclave.CodeMeasurement;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The aggregator, three hospitals and the TEE model service each on a host of their own ({@link NetnsLab}:
 * Linux network namespaces on a bridge), each a {@code ./fedfhir} JVM started as the demo starts its
 * parties ({@link DemoNetwork}, {@link ChildJvmNode}), driven over FHIR REST as the demo drives them
 * ({@link TrainingDriver}, {@link StatisticsDriver}), with faults injected: 5 % packet loss at one hospital,
 * 200 ms each way between another and the aggregator ({@link TcpRelay}), one hospital's cable unplugged
 * for 30 s in the middle of a round (it rejoins the study by itself once plugged back), a hospital killed
 * (SIGKILL) and the aggregator restarted mid-study (the survivors rejoin and finish it, with the model of a
 * fault-free run at the same sites). Prints a timeline of what was injected when and what each party did.
 * Needs root, iproute2 and iptables.
 */
@Tag("slow")
class NetworkFaultTest {
  private static final List<String> CENTRES = List.of("cleveland", "hungarian", "switzerland");
  private static final String AGGREGATOR_HOST = "aggregator.fedfhir.test";
  private static final String TEE_HOST = "tee.fedfhir.test";
  private static final int TEE_PORT = 8093;
  private static final Duration LINK_DOWN = Duration.ofSeconds(30);
  /** The cable is pulled once this many FedAvg rounds are done, of {@link #LINK_DOWN_ROUNDS}. */
  private static final int LINK_DOWN_AFTER = 2;
  /**
   * Enough rounds that the study still runs when cleveland is back: the aggregator's keepalive drops it
   * about 25 s after the pull, the rounds after go on at about 2 s each (switzerland's 200 ms relay, 5
   * round trips a round), and cleveland rejoins a few seconds after its cable is back at 30 s.
   */
  private static final int LINK_DOWN_ROUNDS = 20;
  /** The aggregator crashes once this many Newton rounds are done, of {@link #RESTART_ROUNDS}. */
  private static final int RESTART_AFTER = 2;
  private static final int RESTART_ROUNDS = 8;
  /** How long hungarian's cable is out before the aggregator crashes: the round in flight is then held. */
  private static final Duration HOLD = Duration.ofSeconds(1);
  /** Five JVMs starting at once: about a minute on two free cores, far more on a shared, loaded machine. */
  private static final Duration STARTUP = Duration.ofMinutes(25);
  /** How long a hospital whose session broke keeps rejoining: longer than the aggregator takes to start again. */
  private static final Duration REJOIN_WITHIN = Duration.ofMinutes(20);
  private static final List<String> OUTPUTS = List.of("accuracy", "auc", "brier", "network-accuracy",
      "network-log-loss");

  private final FhirContext ctx = FhirContext.forR4Cached();
  private final Timeline timeline = new Timeline(System.out);

  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES)
  void studiesEndRightUnderLossLatencyALinkDownAKilledHospitalAndAnAggregatorRestart() throws Exception {
    Optional<String> unavailable = NetnsLab.unavailable();
    assumeTrue(unavailable.isEmpty(), () -> "network-fault test skipped: " + unavailable.orElse(""));
    // kept after the run: each party's log is in logs/
    Path work = Path.of("target", "network-fault-test").toAbsolutePath();
    if (Files.exists(work)) {
      DemoRun.deleteTree(work);
    }
    Files.createDirectories(work);
    Topology topology = Topology.onFreePorts(CENTRES, work, true, true);
    enrol(topology);
    List<TcpRelay> relays = new ArrayList<>();
    try (NetnsLab lab = NetnsLab.create()) {
      try {
        Lab net = new Lab(lab, topology, relays);
        try (DemoNetwork network = new DemoNetwork(topology, net::launch, NodeLogs.inDirectory(work.resolve("logs"),
            System.out))) {
          run(net, network, topology, work);
        } finally {
          System.out.println("Timeline (network-fault test):");
          System.out.print(timeline.table());
        }
      } finally {
        relays.forEach(TcpRelay::close); // after the parties, before the lab
      }
    }
  }

  private void run(Lab net, DemoNetwork network, Topology topology, Path work) throws Exception {
    startParties(net, network, topology, work);
    SiteIdentities identities = new SiteIdentities(topology);
    DemoRun.load(ctx, topology, identities, System.out);
    timeline.note("researcher", "loaded the UCI heart-disease records over FHIR REST");
    TrainingDriver driver = new TrainingDriver(new FhirHttp(ctx), topology, identities, System.out);
    StudyVariants variants = new StudyVariants(ctx);

    // a fault-free Newton study: deterministic, so its model is the reference for the same sites
    PlanDefinition clean = renamed(variants.federated(Strategy.NEWTON, 3, CENTRES.size()), "clean");
    Map<String, TaskView> reference = train(driver, topology, clean, "newton", 3, Duration.ofSeconds(600)).tasks();
    assertThat(reference.values()).allMatch(TaskView::completed, "completed");
    // and the fault-free reference of step 5's study, at the two sites that will survive to run it
    Topology survivors = without(topology, "switzerland");
    TrainingDriver survivorDriver = new TrainingDriver(new FhirHttp(ctx), survivors, identities, System.out);
    PlanDefinition pair = renamed(variants.federated(Strategy.NEWTON, RESTART_ROUNDS, 2), "pair");
    Map<String, TaskView> pairReference = train(survivorDriver, survivors, pair, "newton", RESTART_ROUNDS,
        Duration.ofSeconds(600)).tasks();
    assertThat(pairReference.values()).allMatch(TaskView::completed, "completed");

    // the same study under packet loss at hungarian and 200 ms each way for switzerland
    net.lab.dropRandomly("hungarian", 0.05);
    timeline.note("fault", "hungarian drops 5 % of the packets it sends or receives (iptables statistic)");
    net.far.delay(Duration.ofMillis(200));
    timeline.note("fault", "switzerland <-> aggregator: 200 ms added each way (delaying TCP relay)");
    PlanDefinition faulty = renamed(variants.federated(Strategy.NEWTON, 3, CENTRES.size()), "lossy");
    Map<String, TaskView> lossy = train(driver, topology, faulty, "newton", 3, Duration.ofSeconds(600)).tasks();
    assertThat(lossy.values()).allMatch(TaskView::completed, "completed");
    // equal up to secure aggregation's fixed-point encoding, whose rounding is randomised (seen: 1e-10)
    for (String c : CENTRES) {
      for (String o : OUTPUTS) {
        assertThat(lossy.get(c).output(o)).as(c + " " + o + " under loss and latency").isCloseTo(
            reference.get(c).output(o), within(1e-6));
      }
    }
    Map<String, Object> stats = new StatisticsDriver(new FhirHttp(ctx), FhirHttp.researcherAtAggregator(ctx, topology),
        topology, driver, System.out).run(StatisticsDriver.study(ctx));
    timeline.note("researcher", "statistics study: " + stats.get("status") + " (joined " + stats.get("joined") + ")");
    assertThat(stats).containsEntry("status", "completed");
    long dropped = net.lab.dropped("hungarian");
    timeline.note("fault", "hungarian's iptables rules dropped " + dropped + " packets so far");
    assertThat(dropped).isPositive();

    // cleveland's cable unplugged for 30 s in the middle of a round: the fault waits for hungarian's Task to
    // report round LINK_DOWN_AFTER done, so round LINK_DOWN_AFTER + 1 (of LINK_DOWN_ROUNDS) is the one running.
    // Once plugged back, cleveland's site rejoins the study by itself (its session broke on the transport);
    // then switzerland is killed, and the study ends with cleveland and hungarian.
    PlanDefinition linkDown = minSites(renamed(variants.federated(Strategy.FEDAVG, LINK_DOWN_ROUNDS, CENTRES.size()),
        "linkdown"), 2);
    Map<String, String> linkDownTasks = start(driver, topology, linkDown);
    TaskView seen = awaitTask(driver, "hungarian", linkDownTasks, v -> v.done() || v.round() >= LINK_DOWN_AFTER,
        Duration.ofSeconds(300));
    assertThat(seen.done()).as("the study still running when the cable is pulled: " + seen).isFalse();
    net.lab.link("cleveland", false);
    timeline.note("fault", "cleveland's cable unplugged at the switch");
    Thread.sleep(LINK_DOWN.toMillis()); // the fault's own length, not a wait for anything
    net.lab.link("cleveland", true);
    timeline.note("fault", "cleveland's cable plugged back after " + LINK_DOWN.toSeconds() + " s");
    TaskView back = awaitTask(driver, "cleveland", linkDownTasks, v -> v.done() || rejoined(v),
        Duration.ofSeconds(300));
    assertThat(back.done()).as("cleveland rejoined the running study: " + back).isFalse();
    // Switzerland dies in a round all three started: one that only hungarian and switzerland started would
    // abort (one site left, threshold 2), and hungarian's ledger would rightly refuse its re-run at the same
    // model among other sites once it had sent its masked input. Cleveland rejoined with "completed" rounds
    // done at the aggregator, so round completed + 2 is the first it starts in; its Task counts TRAIN rounds
    // (the round's number − 1).
    int completed = completedAtRejoin(back);
    TaskView inRound = awaitTask(driver, "cleveland", linkDownTasks, v -> v.done() || v.round() >= completed + 1,
        Duration.ofSeconds(300));
    assertThat(inRound.done()).as("the study still running after cleveland's first round back: " + inRound)
        .isFalse();
    ((ChildJvmNode) network.node("switzerland")).kill();
    timeline.note("fault", "switzerland killed (SIGKILL)");
    linkDownTasks.remove("switzerland");
    Map<String, TaskView> afterLinkDown = driver.follow(linkDownTasks, Duration.ofSeconds(600));
    timeline.note("researcher", linkDown.getIdElement().getIdPart() + ": " + summary(afterLinkDown));
    assertEveryTaskEndedWithAReason(afterLinkDown);
    assertThat(afterLinkDown.get("hungarian").completed()).as("hungarian completed").isTrue();
    assertThat(afterLinkDown.get("cleveland").completed()).as("cleveland completed").isTrue();
    assertThat(afterLinkDown.get("cleveland").reason()).as("cleveland's statusReason")
        .startsWith("rejoined the study once");

    // the aggregator killed and started again in the middle of a Newton study at the survivors: their sessions
    // break, they rejoin it by themselves once it answers again, and it goes on from the rounds it stored. A
    // graceful stop lets the study's streams run for 5 s more (seen: the rest of a Newton study finished in
    // them), so the aggregator crashes here: its round in flight has no time to end.
    PlanDefinition restart = renamed(variants.federated(Strategy.NEWTON, RESTART_ROUNDS, 2), "restart");
    Map<String, String> restartTasks = start(survivorDriver, survivors, restart);
    awaitRunning(survivorDriver, "cleveland", restartTasks, RESTART_AFTER);
    // Rounds of two sites take a fraction of a second here, and one round's end and the next one's start are
    // two transactions: a crash between them leaves no round in flight (seen once). With hungarian's cable out
    // the round in flight cannot end (it needs both sites' messages; the stage timeout is 8 s), so the crash
    // surely interrupts one.
    net.lab.link("hungarian", false);
    timeline.note("fault", "hungarian's cable unplugged, holding the round in flight");
    Thread.sleep(HOLD.toMillis()); // the fault's own length, not a wait for anything
    network.crashAndRestart("aggregator");
    timeline.note("fault", "aggregator killed (SIGKILL) and started again");
    net.lab.link("hungarian", true);
    timeline.note("fault", "hungarian's cable plugged back");
    assertThat(network.awaitAggregator(STARTUP)).isEmpty();
    timeline.note("aggregator", "answers again");
    Map<String, TaskView> resumed = survivorDriver.follow(restartTasks, Duration.ofSeconds(600));
    timeline.note("researcher", restart.getIdElement().getIdPart() + ": " + summary(resumed));
    assertThat(resumed.values()).allMatch(TaskView::completed, "completed");
    assertThat(resumed.values()).allMatch(NetworkFaultTest::rejoined, "rejoined");
    // Exact up to secure aggregation's randomised fixed-point rounding (as step 2): both studies are the same
    // federated Newton at the same two sites, and the round history below shows both sites in every completed
    // round of each. Newton has no randomness (a site's payload is its score and information at the announced
    // model; the aggregator's step a function of their sum), the round the crash aborted revealed nothing, and
    // the restarted aggregator ran it again from the model it had stored. (FedAvg would not do: each session
    // seeds its local shuffling with a secret of its own, so two fault-free runs differ too.)
    for (String c : survivors.centres()) {
      for (String o : OUTPUTS) {
        assertThat(resumed.get(c).output(o)).as(c + " " + o + " after the aggregator's restart").isCloseTo(
            pairReference.get(c).output(o), within(1e-6));
      }
    }

    assertTrafficStayedInTheLab(net);
    network.node("aggregator").stop();
    timeline.note("aggregator", "stopped; its round history is read from its database");
    Map<String, List<StoredRound>> rounds = roundHistory(work.resolve("aggregator").resolve("aggregator"));
    rounds.forEach((study, attempts) -> attempts.forEach(r -> timeline.note("aggregator", study + ": " + r)));
    assertNoRoundCountedTwice(rounds);
    String linkDownId = linkDown.getIdElement().getIdPart();
    assertDroppedMidRound(rounds, linkDownId, "cleveland");
    assertRejoined(rounds, linkDownId, "cleveland");
    assertWentOnWithout(rounds, linkDownId, "switzerland");
    String restartId = restart.getIdElement().getIdPart();
    assertThat(rounds.get(restartId)).as(restartId + ": the round in flight when the aggregator crashed")
        .anyMatch(r -> r.state().equals("ABORTED"));
    for (String study : List.of(restartId, pair.getIdElement().getIdPart())) {
      assertThat(rounds.get(study)).as(study + "'s completed rounds, each with both survivors")
          .filteredOn(StoredRound::completed).hasSize(RESTART_ROUNDS + 2)
          .allMatch(r -> r.contributors().equals(survivors.centres()), "contributors " + survivors.centres());
    }
  }

  /** The rounds completed at the aggregator when the site last rejoined, as its Task's statusReason says. */
  private static int completedAtRejoin(TaskView v) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(last at round (\\d+)\\)").matcher(v.reason());
    assertThat(m.find()).as("statusReason names the round: " + v.reason()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** The Task says its site rejoined the study after its session broke. */
  private static boolean rejoined(TaskView v) {
    return v.reason() != null && v.reason().startsWith("rejoined the study");
  }

  private void startParties(Lab net, DemoNetwork network, Topology topology, Path work) {
    long t0 = System.nanoTime();
    network.start(PartyName.TEE, List.of("tee", "--pki", topology.pkiDir().toString(), "--bind", "0.0.0.0", "--port",
        String.valueOf(TEE_PORT)));
    List<String> aggregator = new ArrayList<>(topology.aggregatorArgs());
    aggregator.addAll(List.of("--bind", "0.0.0.0", "--fhir-bind", "0.0.0.0", "--stage-timeout", "PT8S",
        "--tee", "https://" + TEE_HOST + ":" + TEE_PORT + "/fhir",
        "--tee-measurement", CodeMeasurement.ofService(EvidenceFormat.SIMULATED).hex(), "--tee-allow-simulated",
        "--tee-models-file", work.resolve("fedfhir.models").toString()));
    network.start("aggregator", aggregator);
    for (String c : CENTRES) {
      List<String> h = new ArrayList<>(topology.hospitalArgs(c, AGGREGATOR_HOST + ":" + topology.aggregatorGrpcPort()));
      h.addAll(List.of("--bind", "0.0.0.0", "--insecure-http"));
      network.start(c, h);
    }
    timeline.note("lab", "started the TEE, the aggregator and " + CENTRES.size() + " hospitals, each a JVM on its "
        + "own host: " + net.addresses());
    network.awaitHospitals(STARTUP, t0).forEach((c, s) ->
        timeline.note(c, String.format(Locale.ROOT, "answers at %s (%.0f s after start)", net.lab.host(c).address(), s)));
    Optional<String> down = network.awaitAggregator(STARTUP);
    assertThat(down).as("aggregator start").isEmpty();
    timeline.note("aggregator", "answers at " + net.lab.host("aggregator").address());
  }

  /** Publishes {@code pd} at the aggregator and the hospitals and runs it there, with a deadline. */
  private TrainingDriver.Run train(TrainingDriver driver, Topology topology, PlanDefinition pd, String code, int rounds,
      Duration deadline) {
    String id = publish(driver, topology, pd);
    TrainingDriver.Run run = driver.federated(id, code, pd, rounds, deadline);
    timeline.note("researcher", id + ": " + summary(run.tasks()));
    return run;
  }

  /** Publishes {@code pd} and starts it at every hospital without following it: each site's Task URL. */
  private Map<String, String> start(TrainingDriver driver, Topology topology, PlanDefinition pd) {
    String id = publish(driver, topology, pd);
    Map<String, String> refusals = new LinkedHashMap<>();
    Map<String, String> tasks = driver.startTraining(id, "federated", refusals);
    assertThat(refusals).as("$train refusals of " + id).isEmpty();
    return tasks;
  }

  private String publish(TrainingDriver driver, Topology topology, PlanDefinition pd) {
    String id = pd.getIdElement().getIdPart();
    FhirHttp researcher = FhirHttp.researcherAtAggregator(ctx, topology);
    FhirHttp.Answer published = researcher.put(topology.aggregatorFhirBase(), pd);
    assertThat(published.ok()).as("aggregator accepts " + id + ": " + researcher.describe(published)).isTrue();
    assertThat(driver.publishAndApprove(pd)).as("refusals of " + id).isEmpty();
    timeline.note("researcher", "published and approved " + id + "; $train mode=federated at every hospital");
    return id;
  }

  private static String summary(Map<String, TaskView> tasks) {
    List<String> parts = new ArrayList<>();
    tasks.forEach((c, v) -> parts.add(c + " " + v.status() + (v.completed()
        ? String.format(Locale.ROOT, " (accuracy %.3f%s)", v.output("accuracy"), v.reason() == null ? ""
            : "; " + v.reason()) : ": " + v.reason())));
    return String.join("; ", parts);
  }

  private static PlanDefinition renamed(PlanDefinition pd, String suffix) {
    String id = pd.getIdElement().getIdPart() + "-" + suffix;
    pd.setId(id);
    pd.setUrl(pd.getUrl() + "-" + suffix);
    pd.setName(pd.getName() + suffix.substring(0, 1).toUpperCase(Locale.ROOT) + suffix.substring(1));
    return pd;
  }

  private static PlanDefinition minSites(PlanDefinition pd, int n) {
    StudyVariants.setParameter(pd, "min-sites", new IntegerType(n));
    return pd;
  }

  /**
   * Waits until the site's Task of the study just started reports {@code round} rounds done while the study
   * still runs (the next round is then in flight: a round starts as soon as the one before it ends).
   */
  private void awaitRunning(TrainingDriver driver, String site, Map<String, String> tasks, int round)
      throws InterruptedException {
    TaskView v = awaitTask(driver, site, tasks, t -> t.done() || t.round() >= round, Duration.ofSeconds(300));
    assertThat(v.done()).as(site + "'s Task still running after round " + round + ": " + v).isFalse();
  }

  /**
   * Reads the site's Task (by its URL: a search could answer from HAPI's cache of an earlier identical one)
   * until it satisfies {@code until}; fails at the deadline.
   */
  private TaskView awaitTask(TrainingDriver driver, String site, Map<String, String> tasks, Predicate<TaskView> until,
      Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    TaskView last = null;
    while (System.nanoTime() < end) {
      TaskView v = driver.read(site, tasks.get(site));
      last = v == null ? last : v;
      if (v != null && until.test(v)) {
        timeline.note(site, "Task " + v.status() + ": " + v.progress() + (v.reason() == null ? "" : " (" + v.reason()
            + ")"));
        return v;
      }
      Thread.sleep(100); // polling the Task, as an integrator does
    }
    throw new AssertionError(site + "'s Task did not get there within " + deadline.toSeconds() + " s; last: " + last);
  }

  private static void assertEveryTaskEndedWithAReason(Map<String, TaskView> tasks) {
    tasks.forEach((c, v) -> {
      assertThat(v.done()).as(c + "'s Task ended: " + v).isTrue();
      if (!v.completed()) {
        assertThat(v.reason()).as(c + "'s statusReason").isNotBlank();
      }
    });
  }

  /** One attempt at a round, as the aggregator stored it. */
  private record StoredRound(int number, int attempt, String state, List<String> participants, List<String> dropouts,
      String modelDigest, String abortReason) {

    boolean completed() {
      return state.equals("COMPLETED");
    }

    /** The sites whose inputs the round's sum holds. */
    List<String> contributors() {
      return participants.stream().filter(p -> !dropouts.contains(p)).toList();
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "round %d attempt %d %s sites %s dropouts %s%s%s", number, attempt, state,
          participants, dropouts, modelDigest == null ? "" : " model " + modelDigest.substring(0, 12),
          abortReason == null ? "" : " (" + abortReason + ")");
    }
  }

  /** Each study's rounds (by the last segment of its url) as the aggregator stored them, in order. */
  private static Map<String, List<StoredRound>> roundHistory(Path database) throws SQLException {
    Map<String, List<StoredRound>> byStudy = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + database.toAbsolutePath(), "", "");
        ResultSet r = c.createStatement().executeQuery("select s.url, r.number, r.attempt, r.state, r.participants, "
            + "r.dropouts, r.model_digest, r.abort_reason from fl_round r join fl_study s on s.id = r.study_id "
            + "order by s.id, r.number, r.attempt")) {
      while (r.next()) {
        String url = r.getString(1);
        byStudy.computeIfAbsent(url.substring(url.lastIndexOf('/') + 1), k -> new ArrayList<>()).add(new StoredRound(
            r.getInt(2), r.getInt(3), r.getString(4), sites(r.getString(5)), sites(r.getString(6)), r.getString(7),
            r.getString(8)));
      }
    }
    return byStudy;
  }

  private static List<String> sites(String joined) {
    return joined == null || joined.isBlank() ? List.of() : List.of(joined.split(","));
  }

  private static void assertNoRoundCountedTwice(Map<String, List<StoredRound>> rounds) {
    rounds.forEach((study, attempts) -> assertThat(attempts.stream().filter(StoredRound::completed)
        .map(StoredRound::number).toList()).as(study + ": completed rounds").doesNotHaveDuplicates());
  }

  /**
   * The study's rounds show {@code site} contributing to a completed round and not to the last: the others
   * went on without it. (A site whose {@code $train} comes after the study's min-sites have joined takes part
   * from the next round: seen, one site missed round 1.)
   */
  private static void assertWentOnWithout(Map<String, List<StoredRound>> rounds, String study, String site) {
    List<StoredRound> completed = rounds.getOrDefault(study, List.of()).stream().filter(StoredRound::completed)
        .toList();
    assertThat(completed).as(study + "'s completed rounds").isNotEmpty()
        .anyMatch(r -> r.contributors().contains(site));
    assertThat(completed.get(completed.size() - 1).contributors()).as(study + ": last round's sites")
        .doesNotContain(site).hasSize(CENTRES.size() - 1);
  }

  /**
   * Each host's only way out is its cable into the lab: no route beyond the lab's subnet, every TCP connection
   * open now with a peer in the lab (or its own loopback), and its interface carried traffic.
   */
  private void assertTrafficStayedInTheLab(Lab net) {
    for (String host : net.hosts()) {
      long[] t = net.lab.traffic(host);
      List<String> peers = net.lab.peers(host);
      timeline.note(host, "eth0 received " + t[0] + " B, sent " + t[1] + " B; TCP peers now " + peers
          + "; listening: " + net.lab.listening(host).replaceAll("\\s+", " ").strip());
      assertThat(t[0]).as(host + " received on its own interface").isPositive();
      assertThat(net.lab.routes(host)).as(host + "'s routes").doesNotContain("default");
      assertThat(peers).as(host + "'s TCP peers").allMatch(net.lab::inLab, "in the lab");
    }
  }

  /**
   * The study's rounds show {@code site} back after it was away: a completed round it contributed to after
   * a round it dropped out of, with a completed round between that went on without it. (It could not reach
   * the aggregator while its cable was out, so that contribution came after it was plugged back.)
   */
  private static void assertRejoined(Map<String, List<StoredRound>> rounds, String study, String site) {
    List<StoredRound> all = rounds.getOrDefault(study, List.of());
    int left = all.stream().filter(r -> r.dropouts().contains(site)).mapToInt(StoredRound::number).min()
        .orElseThrow(() -> new AssertionError(study + ": " + site + " never a dropout: " + all));
    int without = all.stream().filter(r -> r.completed() && r.number() > left && !r.participants().contains(site))
        .mapToInt(StoredRound::number).min()
        .orElseThrow(() -> new AssertionError(study + ": no round went on without " + site + ": " + all));
    assertThat(all).as(study + ": " + site + " contributes again after round " + without)
        .anyMatch(r -> r.completed() && r.number() > without && r.contributors().contains(site));
  }

  /** The study's rounds show {@code site} leaving a round in flight: a dropout of it, not left out before it began. */
  private static void assertDroppedMidRound(Map<String, List<StoredRound>> rounds, String study, String site) {
    assertThat(rounds.get(study)).as(study + "'s rounds: " + site + " a dropout of one").isNotNull()
        .anyMatch(r -> r.dropouts().contains(site));
  }

  private static Topology without(Topology t, String centre) {
    List<String> centres = new ArrayList<>(t.centres());
    centres.remove(centre);
    Map<String, Integer> hospitals = new LinkedHashMap<>(t.hospitalPorts());
    hospitals.remove(centre);
    Map<String, Integer> auth = new LinkedHashMap<>(t.authPorts());
    auth.remove(centre);
    return new Topology(centres, hospitals, t.aggregatorGrpcPort(), t.aggregatorFhirPort(), t.workDir(), t.pkiDir(),
        t.federationFlags(), t.aggregatorFhirFlag(), auth);
  }

  private static void enrol(Topology topology) {
    CaPassphrase passphrase = CaPassphrase.random();
    PkiDirectory.init(topology.pkiDir(), "FedFHIR network-fault lab", CENTRES, passphrase, Map.of(
        PartyName.AGGREGATOR, List.of(AGGREGATOR_HOST), PartyName.TEE, List.of(TEE_HOST)));
    PkiDirectory.enrol(topology.pkiDir(), Topology.RESEARCHER, Role.RESEARCHER, List.of(), passphrase);
  }

  /**
   * The lab's hosts and wiring: the aggregator, the TEE and each hospital on a host of its own; the
   * operator (this JVM) reaches the hospitals' FHIR and authorisation ports and the aggregator's FHIR port
   * through loopback port forwards into the lab; switzerland reaches the aggregator through the delaying
   * relay {@link #far} on the operator's address.
   */
  private static final class Lab {
    final NetnsLab lab;
    final TcpRelay far;

    Lab(NetnsLab lab, Topology topology, List<TcpRelay> relays) {
      this.lab = lab;
      String aggregator = lab.addHost(PartyName.AGGREGATOR, 2).address();
      String tee = lab.addHost(PartyName.TEE, 3).address();
      for (int i = 0; i < CENTRES.size(); i++) {
        lab.addHost(CENTRES.get(i), 11 + i);
      }
      Map<String, Map<String, String>> names = new LinkedHashMap<>();
      for (String h : hosts()) {
        String toAggregator = h.equals("switzerland") ? lab.operatorAddress() : aggregator;
        names.put(h, Map.of(AGGREGATOR_HOST, toAggregator, TEE_HOST, tee));
      }
      lab.writeHostsFiles(names);
      for (String c : CENTRES) {
        String at = lab.host(c).address();
        relays.add(forward(topology.hospitalPorts().get(c), at));
        relays.add(forward(topology.authPorts().get(c), at));
      }
      relays.add(forward(topology.aggregatorFhirPort(), aggregator));
      far = TcpRelay.start(new InetSocketAddress(lab.operatorAddress(), topology.aggregatorGrpcPort()),
          new InetSocketAddress(aggregator, topology.aggregatorGrpcPort()));
      relays.add(far);
    }

    private static TcpRelay forward(int port, String host) {
      return TcpRelay.start(new InetSocketAddress("127.0.0.1", port), new InetSocketAddress(host, port));
    }

    List<String> hosts() {
      List<String> h = new ArrayList<>(List.of(PartyName.AGGREGATOR, PartyName.TEE));
      h.addAll(CENTRES);
      return h;
    }

    String addresses() {
      List<String> parts = new ArrayList<>();
      hosts().forEach(h -> parts.add(h + " " + lab.host(h).address()));
      return String.join(", ", parts);
    }

    /**
     * Starts a party's JVM on its own host, with the hospitals' own minimum of 2 participants per round and
     * {@link #REJOIN_WITHIN} to rejoin a study.
     */
    Node launch(String name, List<String> args, Path log) {
      return ChildJvmNode.start(name, lab.on(name), List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Dfedfhir.federation.min-sites=2", "-Dfedfhir.federation.rejoin-within=" + REJOIN_WITHIN), args, log);
    }
  }
}
