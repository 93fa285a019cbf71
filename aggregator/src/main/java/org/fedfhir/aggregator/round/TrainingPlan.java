package org.fedfhir.aggregator.round;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.fedfhir.aggregator.round.ProtocolViolation.Kind;
import org.fedfhir.aggregator.store.StoredModel;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.strategy.ModelVector;
import org.fedfhir.aggregator.strategy.RoundCounts;
import org.fedfhir.aggregator.strategy.Strategy;
import org.fedfhir.aggregator.strategy.StrategyState;
import org.fedfhir.aggregator.strategy.StrategyStates;
import org.fedfhir.aggregator.strategy.StrategyStep;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.GlobalModel;
import org.fedfhir.federation.v1.Join;
import org.fedfhir.federation.v1.NetworkMetric;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.RoundEnd;
import org.fedfhir.federation.v1.RoundStart;
import org.fedfhir.federation.v1.Standardisation;

/**
 * The rounds of a training study ({@link Phases}): once the study's min-sites have joined, round 1
 * standardises, rounds 2 … R+1 train with the study's {@link Strategy} applied to each revealed
 * sum, round R+2 evaluates the final model; then the study is completed. Every joined site takes
 * part in a round; a round that aborts is run again from the same model.
 */
public final class TrainingPlan implements RoundPlan {

  private final StudyPlan plan;
  private final Strategy strategy;
  private final FixedPointEncoding encoding;
  private final Phases phases;
  private ModelVector global;
  private StrategyState state;
  private double[] means;
  private double[] sds;

  /**
   * A study's plan from its start.
   *
   * @param encoding the fixed-point encoding of the sites' inputs
   */
  public TrainingPlan(StudyPlan plan, Strategy strategy, FixedPointEncoding encoding) {
    this(plan, strategy, encoding, Optional.empty(), Optional.empty());
  }

  /**
   * A study's plan resumed from its records.
   *
   * @param latest the last completed round's model and strategy state, if any
   * @param standardised the metrics of the completed standardisation round ({@code mean.j},
   *     {@code sd.j}), if it completed
   */
  public TrainingPlan(StudyPlan plan, Strategy strategy, FixedPointEncoding encoding,
      Optional<StoredModel> latest, Optional<Map<String, Double>> standardised) {
    this.plan = plan;
    this.strategy = strategy;
    this.encoding = encoding;
    this.phases = new Phases(plan, strategy);
    this.global = latest.map(StoredModel::model).orElse(ModelVector.zeros(plan.modelDimension()));
    this.state = latest.isEmpty() ? strategy.initialState(plan.modelDimension())
        : StrategyStates.decode(latest.get().strategyState(), strategy, plan.modelDimension());
    standardised.ifPresent(m -> {
      int f = phases.features();
      means = new double[f];
      sds = new double[f];
      for (int j = 0; j < f; j++) {
        means[j] = m.getOrDefault("mean." + j, 0.0);
        sds[j] = m.getOrDefault("sd." + j, 1.0);
      }
    });
  }

  /** The current global model (the start of the next round). */
  public ModelVector globalModel() {
    return global;
  }

  /** Rounds in all: standardise, R training rounds, evaluate. */
  public int totalRounds() {
    return phases.total();
  }

  @Override
  public String needs() {
    return "the study needs";
  }

  @Override
  public void admit(String site, Join join) throws ProtocolViolation {
    if (join.getModelDimension() != plan.modelDimension()) {
      throw new ProtocolViolation(Kind.DEFINITION_MISMATCH, "site '" + site + "' has a model of dimension "
          + join.getModelDimension() + "; the study's is " + plan.modelDimension());
    }
  }

  @Override
  public Step next(int completedRounds, List<String> joined) {
    if (completedRounds >= phases.total()) {
      return new End(joined, true, () -> {});
    }
    if (joined.size() < plan.minSites()) {
      return new Wait();
    }
    int number = completedRounds + 1;
    Phase phase = phases.of(number);
    RoundStart announced = RoundStart.newBuilder()
        .setGlobalModel(toProto(global))
        .setEncoding(encoding)
        .setPhase(phase)
        .setTrainingRounds(plan.rounds())
        .setStandardisation(standardisation())
        .build();
    return new Start(new Round(number, phase, joined, phases.payloadLength(phase), encoding, announced));
  }

  @Override
  public Folded fold(Round round, double[] values, List<String> contributors) throws Unusable {
    RoundCounts counts = new RoundCounts(round.sites().size(), contributors.size());
    Map<String, Double> metrics = new TreeMap<>();
    ModelVector next = global;
    StrategyState nextState = state;
    if (round.phase() == Phase.STANDARDISE) {
      standardise(values, metrics);
    } else {
      int tail = values.length - Phases.METRIC_TAIL;
      networkMetrics(Arrays.copyOfRange(values, tail, values.length), metrics);
      if (round.phase() == Phase.TRAIN) {
        try {
          StrategyStep step = strategy.apply(global, Arrays.copyOf(values, tail), counts, state);
          next = step.model();
          nextState = step.state();
        } catch (IllegalArgumentException e) {
          throw new Unusable("the " + strategy.code() + " strategy could not use the sum: " + e.getMessage());
        }
      }
    }
    global = next;
    state = nextState;
    RoundEnd.Builder end = RoundEnd.newBuilder().setNextModel(toProto(global));
    for (String name : List.of("accuracy", "log-loss", "test-count")) {
      if (metrics.containsKey(name)) {
        end.addNetworkMetrics(NetworkMetric.newBuilder().setName(name).setValue(metrics.get(name)));
      }
    }
    return new Folded(next, StrategyStates.encode(nextState), metrics, end.build());
  }

  @Override
  public void aborted(Round round, String reason) {
    // run again from the same model and state
  }

  @Override
  public boolean roundEndToEveryJoinedSite() {
    return true;
  }

  /** Global means and SDs from per-feature {@code [n, Σx, Σx²]} sums (population SD; 1 where it is 0). */
  private void standardise(double[] sums, Map<String, Double> metrics) {
    int f = phases.features();
    means = new double[f];
    sds = new double[f];
    for (int j = 0; j < f; j++) {
      double n = Math.round(sums[3 * j]);
      double mean = n > 0 ? sums[3 * j + 1] / n : 0;
      double variance = n > 0 ? Math.max(0, sums[3 * j + 2] / n - mean * mean) : 0;
      means[j] = mean;
      sds[j] = variance > 1e-12 ? Math.sqrt(variance) : 1;
      metrics.put("mean." + j, means[j]);
      metrics.put("sd." + j, sds[j]);
    }
  }

  /** Network accuracy, log-loss and test count from the summed {@code [tp, fp, tn, fn, Σ log-loss]}. */
  private static void networkMetrics(double[] tail, Map<String, Double> metrics) {
    double tp = Math.round(tail[0]);
    double fp = Math.round(tail[1]);
    double tn = Math.round(tail[2]);
    double fn = Math.round(tail[3]);
    double n = tp + fp + tn + fn;
    if (n > 0) {
      metrics.put("accuracy", (tp + tn) / n);
      metrics.put("log-loss", tail[4] / n);
      metrics.put("test-count", n);
    }
  }

  private Standardisation standardisation() {
    Standardisation.Builder b = Standardisation.newBuilder();
    if (means != null) {
      for (int j = 0; j < means.length; j++) {
        b.addMeans(means[j]).addSds(sds[j]);
      }
    }
    return b.build();
  }

  static GlobalModel toProto(ModelVector m) {
    GlobalModel.Builder b = GlobalModel.newBuilder()
        .setDigest(ByteString.copyFrom(HexFormat.of().parseHex(m.digest())));
    for (int i = 0; i < m.dimension(); i++) {
      b.addWeights(m.get(i));
    }
    return b.build();
  }
}
