package org.fedfhir.fhir.federation;

import java.security.SecureRandom;
import java.util.Arrays;
import org.fedfhir.federation.Payloads;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.federation.Standardisation;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.fhir.training.Metrics;

/**
 * What a site contributes in each phase of a federated training study (docs/federation.md), computed
 * from its extracted cohort and its own train/test split (a statistics study's part is
 * {@code statistics.StatisticsContribution}):
 * <ul>
 *   <li>STANDARDISE: per feature {@code [n_j, Σx_j, Σx_j²]} over the training rows, observed values only;</li>
 *   <li>TRAIN: for {@code fedavg} and the server optimisers, Tribuo's linear SGD warm-started from the
 *       global two-row model for {@code local-epochs} ({@link TribuoLocalUpdate}); for {@code fedprox}
 *       the same objective plus {@code μ/2‖w − w_g‖²} ({@link ProximalSgd}); for an {@code mlp} study,
 *       mini-batch SGD with dropout on the network's flat parameters ({@link NetworkSgd}); all sent as
 *       {@code [n·w, n]}. For {@code newton}, the logistic score and information at the global β
 *       ({@link LogisticInformation}) as {@code [s, upper triangle of I, n]};</li>
 *   <li>the metric tail {@code [tp, fp, tn, fn, Σ log-loss]} of a model on the test split.</li>
 * </ul>
 * A study that declares {@code dp-epsilon} trains differently: each TRAIN round is one clipped
 * gradient step with the site's share of the noise, laid out as {@code [n·w, n]} as well
 * ({@link PrivateRounds}), and the site keeps its own ε ledger.
 * Features are standardised with the global means and SDs the aggregator announces; a missing
 * value becomes the global mean. Payloads are laid out by {@link Payloads}, which the aggregator's
 * strategies read. Nothing is logged.
 */
public final class SiteRoundWork implements SiteSession.TrainingWork {

  /** What the site's Task hears of the study's progress. */
  public interface Progress {
    /**
     * The aggregator accepted session number {@code session} (1, 2, …) of this work ({@code Joined}):
     * the first, or a rejoin after the previous one broke.
     */
    default void joined(int completedRounds, int session) {}

    default void roundCompleted(SiteSession.RoundResult result) {}

    default void roundAborted(int round, String reason) {}

    /** A differentially private study: the site's own ledger after a contribution, ε of the study's target. */
    default void privacySpent(int round, double epsilon, double target) {}
  }

  private final SiteRows rows;
  private final FederatedSettings settings;
  private final Progress progress;
  private final TribuoLocalUpdate tribuo;
  private final long sessionSecret;
  private final PrivateRounds privateRounds;
  private volatile Standardisation lastStandardisation;
  private volatile SiteSession.RoundResult lastEvaluation;
  private final java.util.concurrent.atomic.AtomicInteger joins = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * One session's work. Local shuffling is seeded from the study seed, the round and a secret drawn
   * for this session and never sent, so two sessions of the same study give different updates: an
   * aggregator cannot difference sessions run with different subsets of sites to solve for one
   * site's update. (Federated Newton has no randomness: its payload is a function of the data and
   * the announced model.)
   */
  public SiteRoundWork(SiteRows rows, FederatedSettings settings, Progress progress) {
    this(rows, settings, progress, new SecureRandom().nextLong());
  }

  /** A session whose local shuffling is reproducible from {@code sessionSecret} (tests, benchmarks). */
  SiteRoundWork(SiteRows rows, FederatedSettings settings, Progress progress, long sessionSecret) {
    this.rows = rows;
    this.settings = settings;
    this.progress = progress == null ? new Progress() {} : progress;
    this.tribuo = new TribuoLocalUpdate(rows.featureNames());
    this.sessionSecret = sessionSecret;
    this.privateRounds = settings.privacy() == null ? null : new PrivateRounds(settings.privacy(), settings.rounds(),
        settings.learningRate(), settings.algorithm(), settings.network(), new SecureRandom());
  }

  public SiteRoundWork(SiteRows rows, FederatedSettings settings) {
    this(rows, settings, null);
  }

  /** Length of the model vector the site joins with: F + 1 for newton, 2(F + 1) for a linear model otherwise, the network's parameters for mlp. */
  public int modelDimension() {
    return settings.modelDimension(rows.features());
  }

  @Override
  public double[] moments() {
    return Payloads.moments(Arrays.stream(rows.train()).mapToObj(rows::row).toList(), rows.features());
  }

  @Override
  public double[] train(int round, double[] globalModel, Standardisation standardisation,
      SiteSession.RoundTerms terms) {
    if (privateRounds == null) {
      return train(round, globalModel, standardisation);
    }
    lastStandardisation = standardisation;
    double[] payload = privateRounds.payload(round, requireLength(globalModel),
        standardised(rows.train(), standardisation), terms);
    progress.privacySpent(round, privateRounds.epsilon(), privateRounds.target());
    return payload;
  }

  /** The ε this site's contributions to a private study have spent, by its own ledger; NaN for a study without. */
  public double privacySpent() {
    return privateRounds == null ? Double.NaN : privateRounds.epsilon();
  }

  /** True if this site's ledger of a private study cannot pay for another TRAIN round: the study is at its ε. */
  public boolean privacyBudgetSpent() {
    return privateRounds != null && privateRounds.budgetSpent();
  }

  @Override
  public double[] train(int round, double[] globalModel, Standardisation standardisation) {
    if (privateRounds != null) {
      throw new SiteSession.RoundRefusedException("this site refused round " + round + ": a private study's TRAIN "
          + "round needs its threshold and announced privacy");
    }
    lastStandardisation = standardisation;
    StandardisedRows train = standardised(rows.train(), standardisation);
    long n = train.size();
    long seed = (settings.seed() * 1_000_003L + round) ^ sessionSecret;
    return switch (settings.strategy()) {
      case NEWTON -> {
        LogisticInformation li = LogisticInformation.at(requireLength(globalModel), train.z, train.y);
        yield Payloads.newton(li.score(), li.information(), n);
      }
      case FEDPROX -> weighted(ProximalSgd.train(requireLength(globalModel), train, settings.localEpochs(),
          settings.learningRate(), settings.proximalMu(), seed), n);
      default -> settings.network() != null
          ? weighted(NetworkSgd.train(settings.network(), requireLength(globalModel), train, settings.localEpochs(),
              settings.learningRate(), settings.dropout(), seed), n)
          : weighted(tribuo.train(requireLength(globalModel), train, settings.algorithm(),
          settings.localEpochs(), settings.learningRate(), seed), n);
    };
  }

  @Override
  public double[] evaluate(double[] model, Standardisation standardisation) {
    lastStandardisation = standardisation;
    StandardisedRows test = standardised(rows.test(), standardisation);
    return TestMetrics.tail(probabilities(requireLength(model), test), test.y);
  }

  /** Accuracy, AUC and Brier score of {@code model} on this site's test split, with the study's global standardisation. */
  public Metrics localMetrics(double[] model, Standardisation standardisation) {
    StandardisedRows test = standardised(rows.test(), standardisation);
    return TestMetrics.local(probabilities(requireLength(model), test), test.y,
        rows.trainCount());
  }

  /** The global standardisation of the latest round this site took part in, or null. */
  public Standardisation standardisation() {
    return lastStandardisation;
  }

  /** The completed EVALUATE round (network-wide metrics of the final model), or null. */
  public SiteSession.RoundResult evaluation() {
    return lastEvaluation;
  }

  /**
   * How many sessions of this work the aggregator accepted: more than one when the site rejoined
   * the study after its session broke ({@link Rejoin}); the work, and so a private study's ledger
   * and the session secret of its shuffling, is the same in each.
   */
  public int joins() {
    return joins.get();
  }

  @Override
  public void joined(int completedRounds) {
    progress.joined(completedRounds, joins.incrementAndGet());
  }

  @Override
  public void roundCompleted(SiteSession.RoundResult result) {
    if (result.phase() == Phase.EVALUATE) {
      lastEvaluation = result;
    }
    progress.roundCompleted(result);
  }

  @Override
  public void roundAborted(int round, String reason) {
    progress.roundAborted(round, reason);
  }

  private double[] probabilities(double[] model, StandardisedRows test) {
    if (settings.network() == null) {
      return TestMetrics.probabilities(settings.layout(), model, test);
    }
    double[] p = new double[test.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = settings.network().probability(model, test.z[i]);
    }
    return p;
  }

  private StandardisedRows standardised(int[] which, Standardisation s) {
    Standardisation global = StandardisedRows.global(s, rows.features());
    return StandardisedRows.of(rows, which, global);
  }

  private double[] requireLength(double[] model) {
    if (model.length != modelDimension()) {
      throw new IllegalArgumentException("global model of " + model.length + " values; this study's "
          + settings.strategy() + " model has " + modelDimension());
    }
    return model;
  }

  private static double[] weighted(double[] w, long n) {
    return Payloads.weightedModel(w, n);
  }
}
