package org.fedfhir.fhir.site;

import io.grpc.Status;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.fedfhir.federation.RoundPolicy;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.audit.TrainingAudit;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.fhir.cohort.CohortCounts;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.federation.Aggregator;
import org.fedfhir.fhir.federation.AggregatorAddress;
import org.fedfhir.fhir.federation.FederatedSettings;
import org.fedfhir.fhir.federation.FederationClient;
import org.fedfhir.fhir.federation.Rejoin;
import org.fedfhir.fhir.federation.SitePkiFiles;
import org.fedfhir.fhir.federation.SiteRoundWork;
import org.fedfhir.fhir.federation.SiteRows;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParameters;
import org.fedfhir.study.StudyUrls;
import org.fedfhir.fhir.training.Metrics;
import org.fedfhir.fhir.training.TrainingData;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code $train mode=federated} in the background once {@link LocalTrainingService} has
 * checked the request and created the Task: extracts the cohort, joins the study at the aggregator
 * (definition digest {@link StudyDigest}) and takes part in every round through
 * {@link SiteRoundWork}; the Task shows {@code round r of R}, and at the end the final global
 * model's accuracy, AUC and Brier score on this site's test split, the network-wide accuracy and
 * log-loss of the EVALUATE round and the cohort counts. One {@code AuditEvent} per run. Logs only
 * ids, rounds and counts — never a patient value, a weight or a share.
 *
 * <p>A session broken by the transport (the link to the aggregator down, the aggregator restarted)
 * is not the end of the run: the site joins the same study again with the same work as its
 * {@link Rejoin} says, and the aggregator admits it at its next round; meanwhile the Task says what
 * it is doing and until when ({@code statusReason}). A refusal, by the aggregator or by the site's
 * own round policy, fails the Task at once.
 */
public class FederatedTrainingService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FederatedTrainingService.class);

  private final ClinicalDataSource data;
  private final Tasks tasks;
  private final AuditTrail audit;
  private final FeatureExtractor extractor;
  private final String site;
  private final Aggregator client;
  private final Rejoin rejoin;
  private final Clock clock;
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService runs = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fedfhir-federated-" + threads.incrementAndGet());
    t.setDaemon(true);
    return t;
  });
  /** Task updates in order, off the gRPC threads so that the protocol never waits for the database. */
  private final ExecutorService taskUpdates = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fedfhir-federated-task");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param client the connection to the aggregator, or null when the site has none configured
   *     ({@code $train mode=federated} then answers 501)
   */
  public FederatedTrainingService(ClinicalDataSource data, Tasks tasks, AuditTrail audit,
      UcumConverter ucum, String site, Aggregator client) {
    this(data, tasks, audit, ucum, site, client, Rejoin.DEFAULT, Clock.systemUTC());
  }

  /**
   * As above, rejoining a study whose session broke on a transport failure as {@code rejoin} says
   * ({@link Rejoin#NEVER}: the Task fails at once), with {@code clock} for the Task's times.
   */
  public FederatedTrainingService(ClinicalDataSource data, Tasks tasks, AuditTrail audit,
      UcumConverter ucum, String site, Aggregator client, Rejoin rejoin, Clock clock) {
    this.rejoin = java.util.Objects.requireNonNull(rejoin, "rejoin");
    this.clock = clock;
    this.data = data;
    this.tasks = tasks;
    this.audit = audit;
    this.extractor = new FeatureExtractor(ucum);
    this.site = site;
    this.client = client;
  }

  /**
   * From the hospital's settings {@code fedfhir.aggregator} (host:port) and {@code fedfhir.pki}
   * (directory): both blank → not configured; the PKI files are checked now, so a hospital with
   * wrong credentials does not start. {@code siteMinSites} is the site's own minimum number of
   * participants in a round ({@code fedfhir.federation.min-sites}); {@code peerPins} the keys it
   * pins for its peers' certificates ({@code fedfhir.federation.peer-pins}, {@link FederationClient#peerPins});
   * {@code ledger} is where the site records what it contributed to each study, so that no later
   * session sums it among other sites.
   */
  public static FederatedTrainingService fromSettings(ClinicalDataSource data, Tasks tasks,
      AuditTrail audit, UcumConverter ucum, String site, String aggregator, String pki, int siteMinSites,
      String peerPins, org.fedfhir.federation.ContributionLedger ledger) {
    return fromSettings(data, tasks, audit, ucum, site, aggregator, pki, siteMinSites, peerPins, ledger,
        Rejoin.DEFAULT);
  }

  /**
   * As above, a session broken by a transport failure rejoining its study as {@code rejoin} says
   * (the site's setting {@code fedfhir.federation.rejoin-within}, {@link Rejoin#within}).
   */
  public static FederatedTrainingService fromSettings(ClinicalDataSource data, Tasks tasks,
      AuditTrail audit, UcumConverter ucum, String site, String aggregator, String pki, int siteMinSites,
      String peerPins, org.fedfhir.federation.ContributionLedger ledger, Rejoin rejoin) {
    boolean hasAggregator = aggregator != null && !aggregator.isBlank();
    boolean hasPki = pki != null && !pki.isBlank();
    if (hasAggregator != hasPki) {
      throw new IllegalArgumentException("federated training needs both the aggregator (host:port) and the site's "
          + "PKI directory; got aggregator '" + aggregator + "' and pki '" + pki + "'");
    }
    FederationClient client = hasAggregator
        ? FederationClient.mutualTls(AggregatorAddress.parse(aggregator), SitePkiFiles.locate(Path.of(pki), site),
            siteMinSites, FederationClient.peerPins(peerPins), ledger)
        : null;
    if (client != null) {
      LOG.info("federated training: site '{}' joins studies at {} over mutual TLS", site, client.target());
    }
    return new FederatedTrainingService(data, tasks, audit, ucum, site, client, rejoin, Clock.systemUTC());
  }

  public boolean isConfigured() {
    return client != null;
  }

  /** The site's connection to the aggregator (shared with statistics studies), or null if none is configured. */
  public Aggregator aggregator() {
    return client;
  }

  /** Starts the run behind the Task (status {@code requested}). */
  void submit(StudyAdmission.Admitted admitted, String taskId, Requester requester) {
    if (client == null) {
      throw new IllegalStateException("no aggregator configured");
    }
    runs.submit(() -> run(admitted, taskId, requester));
  }

  private void run(StudyAdmission.Admitted admitted, String taskId, Requester requester) {
    StudyDefinition study = admitted.study();
    String planDefinitionId = admitted.id();
    String failure = null;
    CohortCounts counts = null;
    Metrics local = null;
    Map<String, Double> network = Map.of();
    String privacyNote = null;
    int trainingRounds = study.parameters().rounds();
    try {
      update(taskId, t -> {
        t.setStatus(Task.TaskStatus.INPROGRESS);
        t.getBusinessStatus().setText("extracting cohort");
      });
      Extraction ex = extractor.extract(study, data, Instant.now());
      counts = ex.counts();
      FederatedSettings settings = FederatedSettings.of(study);
      SiteRows rows = SiteRows.stratified(new TrainingData(ex.matrix().names(), ex.matrix().values(),
          ex.matrix().labels()), study.parameters().testFraction(), study.parameters().seed());
      SiteRoundWork work = new SiteRoundWork(rows, settings, progress(taskId));
      StudyParameters p = study.parameters();
      SiteSession.Study joined = new SiteSession.Study(study.url(), study.version(), admitted.digestBytes(),
          work.modelDimension(), RoundPolicy.training(p.minSites(), p.threshold(), p.rounds()));
      update(taskId, t -> t.getBusinessStatus().setText("joined the study at the aggregator with "
          + rows.trainCount() + " training rows; waiting for round 1"));
      LOG.info("$train Task/{} federated: joining {}|{} at {} ({} training / {} test rows)", taskId,
          study.url(), study.version(), client.target(), rows.trainCount(), rows.testCount());
      SiteSession.Outcome outcome = session(taskId, joined, work);
      SiteSession.RoundResult evaluation = work.evaluation();
      if (work.standardisation() == null || outcome.finalModel() == null) {
        throw new FederationFailure(work.joins() > 1
            ? "the study ended at the aggregator (" + outcome.completedRounds() + " rounds completed) while this "
                + "site's link was down; it rejoined too late to take part in the final rounds"
            : "the study had already ended at the aggregator (" + outcome.completedRounds()
                + " rounds completed); this site took part in none of its rounds");
      }
      if (evaluation == null) {
        throw new FederationFailure("the session ended after " + outcome.completedRounds() + " of "
            + (trainingRounds + 2) + " rounds, before the evaluation round");
      }
      local = work.localMetrics(outcome.finalModel(), work.standardisation());
      network = evaluation.networkMetrics();
      privacyNote = privacyNote(study, work);
      LOG.info("$train Task/{} federated: study ended after {} rounds", taskId, outcome.completedRounds());
    } catch (FederationFailure e) {
      failure = e.getMessage();
    } catch (InterruptedException e) {
      failure = "the hospital server stopped during the study; a new $train rejoins it";
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    if (failure != null) {
      LOG.warn("$train Task/{} federated failed: {}", taskId, failure);
    }
    try {
      audit.record(TrainingAudit.of(site, requester, planDefinitionId, taskId, "federated", new Date(), failure));
    } catch (RuntimeException e) {
      LOG.error("cannot write the AuditEvent of Task/{}", taskId, e);
    }
    String reason = failure;
    CohortCounts c = counts;
    Metrics m = local;
    Map<String, Double> n = network;
    int rounds = trainingRounds;
    String note = privacyNote;
    Future<?> end = taskUpdates.submit(() -> tasks.update(taskId, t -> {
      if (reason == null) {
        complete(t, rounds, c, m, n);
        if (note != null) {
          t.getStatusReason().setText(note);
        }
      } else {
        t.setStatus(Task.TaskStatus.FAILED);
        t.getStatusReason().setText(reason);
        t.getBusinessStatus().setText("failed");
      }
    }));
    try {
      end.get();
    } catch (Exception e) {
      LOG.error("cannot end Task/{}", taskId, e);
    }
  }

  /**
   * The site's part in the study: one session, and after a transport failure (link down, aggregator
   * restarted) new sessions of the same work as {@link #rejoin} says, each wait with its deadline in
   * the Task's {@code statusReason}, until one ends the study or fails otherwise. The deadline
   * counts from the last session the aggregator accepted.
   */
  private SiteSession.Outcome session(String taskId, SiteSession.Study study, SiteRoundWork work)
      throws FederationFailure, InterruptedException {
    Instant giveUp = null;
    int attempt = 0;
    int joins = work.joins();
    while (true) {
      try {
        return client.join(study, work).get();
      } catch (java.util.concurrent.ExecutionException e) {
        String why = client.describe(e);
        if (!Rejoin.isTransportFailure(e)) {
          throw new FederationFailure(why);
        }
        Instant now = clock.instant();
        if (giveUp == null || work.joins() > joins) {
          giveUp = now.plus(rejoin.within()); // a new outage: the last session had been accepted
          attempt = 0;
          joins = work.joins();
        }
        attempt++;
        Duration wait = rejoin.delay(attempt);
        Instant next = now.plus(wait);
        if (next.isAfter(giveUp)) {
          throw new FederationFailure(attempt == 1 ? why : why + "; gave up rejoining the study after "
              + (attempt - 1) + " attempts in " + rejoin.within());
        }
        String reason = why + "; rejoining the study: attempt " + attempt + " at " + next.truncatedTo(
            java.time.temporal.ChronoUnit.SECONDS) + ", giving up at " + giveUp.truncatedTo(
            java.time.temporal.ChronoUnit.SECONDS);
        int n = attempt;
        update(taskId, t -> {
          t.getBusinessStatus().setText("rejoining the study at the aggregator (attempt " + n + ")");
          t.getStatusReason().setText(reason);
        });
        LOG.info("$train Task/{} federated: session at {} broke ({}); rejoin attempt {} in {} ms", taskId,
            client.target(), Status.fromThrowable(e.getCause()).getCode(), attempt, wait.toMillis());
        Thread.sleep(wait.toMillis());
        client.reconnectNow();
      }
    }
  }

  /**
   * What a differentially private study's Task says at its end: the ε this site's own ledger has
   * spent, of the study's target, and whether the study stopped there; null for a study without.
   */
  private static String privacyNote(StudyDefinition study, SiteRoundWork work) {
    org.fedfhir.securecompute.privacy.TrainingPrivacy dp = study.parameters().privacy();
    if (dp == null) {
      return null;
    }
    double spent = work.privacySpent();
    boolean exhausted = work.privacyBudgetSpent();
    return String.format(java.util.Locale.ROOT, "%s: this site's contributions spent ε = %.4f of the study's "
        + "dp-epsilon %s (δ = %s, %s-level)", exhausted ? "stopped at the study's ε target" : "differential privacy",
        spent, dp.epsilon(), dp.delta(), dp.unit().code());
  }

  private SiteRoundWork.Progress progress(String taskId) {
    return new SiteRoundWork.Progress() {
      @Override
      public void joined(int completedRounds, int session) {
        if (session > 1) {
          int n = session - 1;
          update(taskId, t -> {
            t.getBusinessStatus().setText("rejoined the study at the aggregator after " + completedRounds
                + " rounds there; waiting for the next round");
            t.getStatusReason().setText("rejoined the study " + (n == 1 ? "once" : n + " times")
                + " after its session with the aggregator broke (last at round " + completedRounds + ")");
          });
        }
      }

      @Override
      public void privacySpent(int round, double epsilon, double target) {
        update(taskId, t -> output(t, "dp-epsilon", epsilon));
      }

      @Override
      public void roundCompleted(SiteSession.RoundResult r) {
        int total = r.trainingRounds();
        if (r.phase() == Phase.TRAIN) {
          int done = r.round() - 1;
          update(taskId, t -> {
            t.getBusinessStatus().setText("round " + done + " of " + total);
            setOutput(t, "round", new IntegerType(done));
            Map<String, Double> network = r.networkMetrics() == null ? Map.of() : r.networkMetrics();
            output(t, "network-accuracy", network.getOrDefault("accuracy", Double.NaN));
            output(t, "network-log-loss", network.getOrDefault("log-loss", Double.NaN));
          });
        } else if (r.phase() == Phase.STANDARDISE) {
          update(taskId, t -> t.getBusinessStatus().setText("round 0 of " + total + " (features standardised)"));
        } else {
          update(taskId, t -> t.getBusinessStatus().setText("round " + total + " of " + total + " (final model evaluated)"));
        }
      }

      @Override
      public void roundAborted(int round, String reason) {
        update(taskId, t -> t.getBusinessStatus().setText("round " + Math.max(0, round - 1)
            + " aborted at the aggregator and will run again: " + reason));
      }
    };
  }

  private static void complete(Task t, int rounds, CohortCounts c, Metrics m, Map<String, Double> network) {
    t.setStatus(Task.TaskStatus.COMPLETED);
    t.getBusinessStatus().setText("completed: round " + rounds + " of " + rounds);
    t.setLastModified(new Date());
    setOutput(t, "round", new IntegerType(rounds));
    output(t, "accuracy", m.accuracy());
    output(t, "auc", m.auc());
    output(t, "brier", m.brier());
    output(t, "network-accuracy", network.getOrDefault("accuracy", Double.NaN));
    output(t, "network-log-loss", network.getOrDefault("log-loss", Double.NaN));
    setOutput(t, "train-count", new IntegerType(m.trainCount()));
    setOutput(t, "test-count", new IntegerType(m.testCount()));
    setOutput(t, "included", new IntegerType(c.included()));
    setOutput(t, "excluded-consent", new IntegerType(c.excludedConsent()));
    setOutput(t, "excluded-criteria", new IntegerType(c.excludedCriteria()));
    setOutput(t, "missing", new IntegerType(c.missing()));
    setOutput(t, "unconvertible-units", new IntegerType(c.unconvertibleUnits()));
  }

  private static void output(Task t, String code, double value) {
    if (Double.isFinite(value)) {
      setOutput(t, code, new DecimalType(value));
    }
  }

  private static void setOutput(Task t, String code, Type value) {
    t.getOutput().removeIf(o -> o.getType().hasCoding(StudyUrls.CS_TRAINING_OUTPUT, code));
    t.addOutput().setType(new CodeableConcept().addCoding(new Coding(StudyUrls.CS_TRAINING_OUTPUT, code, null)))
        .setValue(value);
  }

  private void update(String taskId, Consumer<Task> change) {
    taskUpdates.submit(() -> {
      try {
        tasks.update(taskId, change);
      } catch (RuntimeException e) {
        LOG.warn("cannot update Task/{}: {}", taskId, e.toString());
      }
    });
  }

  @Override
  public void close() {
    runs.shutdownNow();
    taskUpdates.shutdownNow();
    if (client != null) {
      client.close();
    }
  }

  /** A failure whose message is already the Task's reason. */
  private static final class FederationFailure extends Exception {
    FederationFailure(String message) {
      super(message);
    }
  }
}
