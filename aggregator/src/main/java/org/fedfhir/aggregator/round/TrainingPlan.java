package org.fedfhir.aggregator.round;

import com.google.protobuf.ByteString;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.fedfhir.aggregator.round.ProtocolViolation.Kind;
import org.fedfhir.aggregator.store.StoredModel;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.strategy.AggregationStrategy;
import org.fedfhir.aggregator.strategy.ModelVector;
import org.fedfhir.aggregator.strategy.RoundCounts;
import org.fedfhir.aggregator.strategy.StrategyState;
import org.fedfhir.aggregator.strategy.StrategyStates;
import org.fedfhir.aggregator.strategy.StrategyStep;
import org.fedfhir.federation.MetricTail;
import org.fedfhir.federation.Standardisation;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.GlobalModel;
import org.fedfhir.federation.v1.Join;
import org.fedfhir.federation.v1.NetworkMetric;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.RoundEnd;
import org.fedfhir.federation.v1.RoundPrivacy;
import org.fedfhir.federation.v1.RoundStart;
import org.fedfhir.securecompute.privacy.TrainingPrivacy;
import org.fedfhir.securecompute.privacy.ZcdpAccountant;

/**
 * The rounds of a training study ({@link Phases}): once the study's min-sites have joined, round 1
 * standardises, rounds 2 … R+1 train with the study's {@link AggregationStrategy} applied to each
 * revealed sum, round R+2 evaluates the final model; then the study is completed. Every joined site
 * takes part in a round; a round that aborts is run again from the same model.
 *
 * <p>A study that declares {@code dp-epsilon} ({@link TrainingPrivacy}) has its TRAIN rounds announce
 * the noise each site must add ({@code RoundPrivacy}) and its accountant ({@link ZcdpAccountant})
 * spend ρ/R on every revealed TRAIN sum, usable or not; each round's record carries the ε spent
 * ({@code dp-epsilon}). When the budget cannot pay for another TRAIN round the study stops
 * training at its ε: the next round evaluates, and the study completes.
 */
public final class TrainingPlan implements RoundPlan {

  private final StudyPlan plan;
  private final AggregationStrategy strategy;
  private final FixedPointEncoding encoding;
  private final Phases phases;
  private ModelVector global;
  private StrategyState state;
  private Standardisation standardisation = Standardisation.none();
  private final ZcdpAccountant accountant;
  private boolean evaluated;

  /**
   * A study's plan from its start.
   *
   * @param encoding the fixed-point encoding of the sites' inputs
   */
  public TrainingPlan(StudyPlan plan, AggregationStrategy strategy, FixedPointEncoding encoding) {
    this(plan, strategy, encoding, Optional.empty(), Optional.empty(), 0);
  }

  /**
   * A study's plan resumed from its records.
   *
   * @param latest the last completed round's model and strategy state, if any
   * @param standardised the metrics of the completed standardisation round ({@code mean.j},
   *     {@code sd.j}), if it completed
   * @param trainSumsRevealed the TRAIN rounds completed so far: what a private study's accountant has spent
   */
  public TrainingPlan(StudyPlan plan, AggregationStrategy strategy, FixedPointEncoding encoding,
      Optional<StoredModel> latest, Optional<Map<String, Double>> standardised, int trainSumsRevealed) {
    this.plan = plan;
    this.strategy = strategy;
    this.encoding = encoding;
    this.phases = new Phases(plan);
    this.global = latest.map(StoredModel::model).orElse(ModelVector.of(plan.initialModel()));
    this.state = latest.isEmpty() ? strategy.initialState(plan.modelDimension())
        : StrategyStates.decode(latest.get().strategyState(), strategy, plan.modelDimension());
    standardised.ifPresent(m -> {
      int f = phases.features();
      double[] means = new double[f];
      double[] sds = new double[f];
      for (int j = 0; j < f; j++) {
        means[j] = m.getOrDefault("mean." + j, 0.0);
        sds[j] = m.getOrDefault("sd." + j, 1.0);
      }
      standardisation = new Standardisation(means, sds);
    });
    this.accountant = plan.privacy().map(dp -> new ZcdpAccountant(dp.epsilon(), dp.delta())).orElse(null);
    for (int i = 0; i < trainSumsRevealed && accountant != null; i++) {
      accountant.spend(roundRho());
    }
  }

  /** The ε the study's revealed TRAIN sums have spent; empty for a study without differential privacy. */
  public java.util.OptionalDouble privacySpent() {
    return accountant == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(accountant.epsilon());
  }

  private double roundRho() {
    return plan.privacy().orElseThrow().roundRho(plan.rounds());
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
    if (completedRounds >= phases.total() || evaluated) {
      return new End(joined, true, () -> {});
    }
    if (joined.size() < plan.minSites()) {
      return new Wait();
    }
    int number = completedRounds + 1;
    Phase phase = phases.of(number);
    if (phase == Phase.TRAIN && accountant != null && !accountant.allows(roundRho())) {
      phase = Phase.EVALUATE; // the study stops at its ε
    }
    RoundStart.Builder announced = RoundStart.newBuilder()
        .setGlobalModel(toProto(global))
        .setEncoding(encoding)
        .setPhase(phase)
        .setTrainingRounds(plan.rounds())
        .setStandardisation(toProto(standardisation));
    if (phase == Phase.TRAIN && accountant != null) {
      TrainingPrivacy dp = plan.privacy().orElseThrow();
      announced.setPrivacy(RoundPrivacy.newBuilder()
          .setClip(dp.clip())
          .setShareVariance(dp.shareVariance(plan.thresholdFor(joined.size()), plan.rounds(), plan.modelDimension(),
              plan.learningRate()))
          .setLatticeStep(dp.step(plan.learningRate()))
          .setEpsilonSpent(accountant.epsilon()));
    }
    return new Start(new Round(number, phase, joined, phases.payloadLength(phase), encoding, announced.build()));
  }

  @Override
  public Folded fold(Round round, double[] values, List<String> contributors) throws Unusable {
    RoundCounts counts = new RoundCounts(round.sites().size(), contributors.size());
    Map<String, Double> metrics = new TreeMap<>();
    ModelVector next = global;
    StrategyState nextState = state;
    if (round.phase() == Phase.STANDARDISE) {
      standardisation = Standardisation.fromSums(values);
      double[] means = standardisation.means();
      double[] sds = standardisation.sds();
      for (int j = 0; j < means.length; j++) {
        metrics.put("mean." + j, means[j]);
        metrics.put("sd." + j, sds[j]);
      }
    } else {
      metrics.putAll(MetricTail.last(values).networkMetrics());
      if (round.phase() == Phase.TRAIN && accountant != null) {
        accountant.spend(roundRho()); // revealed, whether or not the strategy can use it
      }
      if (accountant != null) {
        metrics.put("dp-epsilon", accountant.epsilon());
      }
      if (round.phase() == Phase.TRAIN) {
        try {
          StrategyStep step = strategy.apply(global, plan.strategy().update(values), counts, state);
          next = step.model();
          nextState = step.state();
        } catch (IllegalArgumentException e) {
          throw new Unusable("the " + plan.strategy().code() + " strategy could not use the sum: " + e.getMessage());
        }
      }
    }
    global = next;
    state = nextState;
    evaluated |= round.phase() == Phase.EVALUATE;
    RoundEnd.Builder end = RoundEnd.newBuilder().setNextModel(toProto(global));
    for (String name : List.of("accuracy", "log-loss", "test-count", "dp-epsilon")) {
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

  private static org.fedfhir.federation.v1.Standardisation toProto(Standardisation s) {
    org.fedfhir.federation.v1.Standardisation.Builder b = org.fedfhir.federation.v1.Standardisation.newBuilder();
    double[] means = s.means();
    double[] sds = s.sds();
    for (int j = 0; j < means.length; j++) {
      b.addMeans(means[j]).addSds(sds[j]);
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
