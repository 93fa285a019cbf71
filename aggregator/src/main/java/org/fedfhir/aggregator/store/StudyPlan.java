package org.fedfhir.aggregator.store;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.fedfhir.federation.ModelLayout;
import org.fedfhir.federation.NeuralNetwork;
import org.fedfhir.federation.Strategy;
import org.fedfhir.securecompute.privacy.TrainingPrivacy;
import org.fedfhir.study.StudyKind;

/**
 * A study as the aggregator runs it: identity, definition digest, kind and the parameters of
 * docs/study-format.md that the aggregator needs. Built with {@link #training} or
 * {@link #statistics}; the builder validates and names the bad value.
 *
 * <p>A training study has a {@link Strategy}, R rounds and a global model of
 * {@link #modelDimension()} values; a statistics study has one round per release and a vector of
 * {@link #statisticsLength()} values (its declared statistics, concatenated), and neither a strategy
 * nor a model.
 */
public final class StudyPlan {

  private final StudyRef ref;
  private final String definitionDigest;
  private final StudyKind kind;
  private final Strategy strategy;
  private final int rounds;
  private final int minSites;
  private final int threshold;
  private final int dimension;
  private final double serverLearningRate;
  private final double proximalMu;
  private final double l2;
  private final TrainingPrivacy privacy;
  private final double learningRate;
  private final NeuralNetwork network;

  private StudyPlan(Builder b) {
    this.ref = Objects.requireNonNull(b.ref, "ref");
    if (b.definitionDigest == null || b.definitionDigest.length() != 64
        || !b.definitionDigest.chars().allMatch(HexFormat::isHexDigit)) {
      throw new IllegalArgumentException("definition digest '" + b.definitionDigest
          + "'; need 64 hex digits (SHA-256)");
    }
    this.definitionDigest = b.definitionDigest.toLowerCase(Locale.ROOT);
    this.kind = b.kind;
    if (kind == StudyKind.TRAINING && b.strategy == null) {
      throw new IllegalArgumentException("a training study needs a strategy: one of " + Strategy.codes());
    }
    this.strategy = b.strategy;
    if (b.rounds < 1) {
      throw new IllegalArgumentException("rounds " + b.rounds + "; need ≥ 1");
    }
    this.rounds = b.rounds;
    if (b.minSites < 2) {
      throw new IllegalArgumentException("min-sites " + b.minSites + "; need ≥ 2");
    }
    this.minSites = b.minSites;
    if (b.threshold != 0 && (b.threshold < 2 || b.threshold > b.minSites)) {
      throw new IllegalArgumentException("threshold " + b.threshold + " with min-sites " + b.minSites
          + "; need 2 ≤ t ≤ min-sites, or 0 for ⌈2n/3⌉");
    }
    this.threshold = b.threshold;
    if (b.dimension < 1) {
      throw new IllegalArgumentException((kind == StudyKind.TRAINING ? "model dimension " : "statistics length ")
          + b.dimension + "; need ≥ 1");
    }
    this.dimension = b.dimension;
    this.serverLearningRate = b.serverLearningRate;
    this.proximalMu = b.proximalMu;
    this.l2 = b.l2;
    if (b.privacy != null && (kind != StudyKind.TRAINING || strategy.layout() != ModelLayout.TWO_ROW)) {
      throw new IllegalArgumentException("differential privacy needs a training study with a weighted-model strategy");
    }
    this.privacy = b.privacy;
    this.learningRate = b.privacy == null ? 0 : b.learningRate;
    if (privacy != null) {
      privacy.step(learningRate); // refuses a lattice the encoding cannot carry
    }
    if (b.network != null && (kind != StudyKind.TRAINING
        || strategy.modelDimension(b.network.features(), b.network) != dimension)) {
      throw new IllegalArgumentException("network " + b.network + " with model dimension " + dimension
          + "; need a training study whose model is the network's parameters");
    }
    this.network = b.network;
  }

  /**
   * A training study's plan. Unless set: 20 rounds, min-sites 3, threshold 0 (⌈2n/3⌉), server
   * learning rate 0.1, FedProx μ 0.01, L2 0 (the defaults of docs/study-format.md); the strategy
   * and the model dimension have none.
   */
  public static Builder training(StudyRef ref, String definitionDigest) {
    return new Builder(StudyKind.TRAINING, ref, definitionDigest);
  }

  /**
   * A statistics study's plan: one round per release. Unless set: min-sites 3, threshold 0
   * (⌈2n/3⌉); the statistics length has none.
   */
  public static Builder statistics(StudyRef ref, String definitionDigest) {
    return new Builder(StudyKind.STATISTICS, ref, definitionDigest).rounds(1);
  }

  /** A copy of this plan's values to change some of (same kind). */
  public Builder toBuilder() {
    Builder b = new Builder(kind, ref, definitionDigest);
    b.strategy = strategy;
    b.rounds = rounds;
    b.minSites = minSites;
    b.threshold = threshold;
    b.dimension = dimension;
    b.serverLearningRate = serverLearningRate;
    b.proximalMu = proximalMu;
    b.l2 = l2;
    b.privacy = privacy;
    b.learningRate = learningRate;
    b.network = network;
    return b;
  }

  /** Canonical URL and version. */
  public StudyRef ref() {
    return ref;
  }

  /** SHA-256 (lower-case hex) of the canonical study definition every site must hold. */
  public String definitionDigest() {
    return definitionDigest;
  }

  public StudyKind kind() {
    return kind;
  }

  public boolean isStatistics() {
    return kind == StudyKind.STATISTICS;
  }

  /**
   * The training study's strategy.
   *
   * @throws IllegalStateException for a statistics study
   */
  public Strategy strategy() {
    require(StudyKind.TRAINING, "a strategy");
    return strategy;
  }

  /** Number of rounds, ≥ 1: a training study's R, a statistics study's 1 per release. */
  public int rounds() {
    return rounds;
  }

  /** Sites needed to start a round, ≥ 2. */
  public int minSites() {
    return minSites;
  }

  /** Secret-sharing threshold t ≥ 2, or 0 for the default ⌈2n/3⌉ of each round's sites. */
  public int threshold() {
    return threshold;
  }

  /**
   * Length of the training study's global model vector, ≥ 1.
   *
   * @throws IllegalStateException for a statistics study
   */
  public int modelDimension() {
    require(StudyKind.TRAINING, "a model");
    return dimension;
  }

  /**
   * Length of the statistics study's vector (its declared statistics, concatenated), ≥ 1.
   *
   * @throws IllegalStateException for a training study
   */
  public int statisticsLength() {
    require(StudyKind.STATISTICS, "statistics");
    return dimension;
  }

  /** The length of the vector a site joins with: the model dimension or the statistics length. */
  public int joinDimension() {
    return dimension;
  }

  /** The server optimisers' η. */
  public double serverLearningRate() {
    return serverLearningRate;
  }

  /** FedProx μ. */
  public double proximalMu() {
    return proximalMu;
  }

  /** L2 penalty (federated Newton). */
  public double l2() {
    return l2;
  }

  /** The study's differential privacy, if it declares {@code dp-epsilon}. */
  public java.util.Optional<TrainingPrivacy> privacy() {
    return java.util.Optional.ofNullable(privacy);
  }

  /** The sites' learning rate η of a private study (the lattice of its noised update); 0 for any other. */
  public double learningRate() {
    return learningRate;
  }

  /** An {@code mlp} study's network (its global model is the network's flat parameters); empty for a linear model. */
  public Optional<NeuralNetwork> network() {
    return Optional.ofNullable(network);
  }

  /**
   * The training study's initial global model: the network's seeded initial weights for an
   * {@code mlp} study, zeros for a linear model.
   */
  public double[] initialModel() {
    require(StudyKind.TRAINING, "a model");
    return network == null ? new double[dimension] : network.initial();
  }

  /** The training study's number of features F. */
  public int features() {
    require(StudyKind.TRAINING, "features");
    return network == null ? strategy.features(dimension) : network.features();
  }

  /** The threshold for a round with n participants. */
  public int thresholdFor(int participants) {
    return threshold != 0 ? threshold : Math.max(2, (2 * participants + 2) / 3);
  }

  private void require(StudyKind needed, String what) {
    if (kind != needed) {
      throw new IllegalStateException("study " + ref + " is a " + kind.name().toLowerCase(Locale.ROOT)
          + " study; it has no " + what.replaceFirst("^an? ", ""));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StudyPlan p && ref.equals(p.ref) && definitionDigest.equals(p.definitionDigest)
        && kind == p.kind && strategy == p.strategy && rounds == p.rounds && minSites == p.minSites
        && threshold == p.threshold && dimension == p.dimension
        && Double.compare(serverLearningRate, p.serverLearningRate) == 0
        && Double.compare(proximalMu, p.proximalMu) == 0 && Double.compare(l2, p.l2) == 0
        && Objects.equals(privacy, p.privacy) && Double.compare(learningRate, p.learningRate) == 0
        && Objects.equals(network, p.network);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ref, definitionDigest, kind, strategy, rounds, minSites, threshold, dimension,
        serverLearningRate, proximalMu, l2, privacy, learningRate, network);
  }

  @Override
  public String toString() {
    return "StudyPlan[" + ref + ", " + kind.name().toLowerCase(Locale.ROOT)
        + (strategy == null ? "" : ", " + strategy.code()) + ", rounds=" + rounds + ", min-sites=" + minSites
        + ", threshold=" + threshold + ", " + (kind == StudyKind.TRAINING ? "model dimension=" : "statistics length=")
        + dimension + "]";
  }

  /** Validating builder of a {@link StudyPlan}; {@link #build} names the first bad value. */
  public static final class Builder {
    private final StudyKind kind;
    private final StudyRef ref;
    private final String definitionDigest;
    private Strategy strategy;
    private int rounds = 20;
    private int minSites = 3;
    private int threshold;
    private int dimension;
    private double serverLearningRate = 0.1;
    private double proximalMu = 0.01;
    private double l2;
    private TrainingPrivacy privacy;
    private double learningRate;
    private NeuralNetwork network;

    private Builder(StudyKind kind, StudyRef ref, String definitionDigest) {
      this.kind = kind;
      this.ref = ref;
      this.definitionDigest = definitionDigest;
    }

    /** The training study's strategy. */
    public Builder strategy(Strategy strategy) {
      training("a strategy");
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /** Training rounds R (a statistics study has 1). */
    public Builder rounds(int rounds) {
      this.rounds = rounds;
      return this;
    }

    public Builder minSites(int minSites) {
      this.minSites = minSites;
      return this;
    }

    /** t ≥ 2, or 0 for ⌈2n/3⌉ of each round's sites. */
    public Builder threshold(int threshold) {
      this.threshold = threshold;
      return this;
    }

    /** The training study's global model length. */
    public Builder modelDimension(int modelDimension) {
      training("a model");
      this.dimension = modelDimension;
      return this;
    }

    /** The statistics study's vector length. */
    public Builder statisticsLength(int length) {
      if (kind != StudyKind.STATISTICS) {
        throw new IllegalStateException("a training study has no statistics length; set its model dimension");
      }
      this.dimension = length;
      return this;
    }

    public Builder serverLearningRate(double serverLearningRate) {
      training("server optimiser");
      this.serverLearningRate = serverLearningRate;
      return this;
    }

    public Builder proximalMu(double proximalMu) {
      training("FedProx μ");
      this.proximalMu = proximalMu;
      return this;
    }

    public Builder l2(double l2) {
      training("L2 penalty");
      this.l2 = l2;
      return this;
    }

    /**
     * The study's differential privacy and the sites' learning rate η, which sets the lattice of
     * the noised update; null for none.
     */
    public Builder privacy(TrainingPrivacy privacy, double learningRate) {
      training("differential privacy");
      this.privacy = privacy;
      this.learningRate = learningRate;
      return this;
    }

    /** An {@code mlp} study's network (its model dimension must be the network's); null for a linear model. */
    public Builder network(NeuralNetwork network) {
      training("network");
      this.network = network;
      return this;
    }

    /** @throws IllegalArgumentException naming the first value out of range */
    public StudyPlan build() {
      return new StudyPlan(this);
    }

    private void training(String what) {
      if (kind != StudyKind.TRAINING) {
        throw new IllegalStateException("a statistics study has no " + what.replaceFirst("^an? ", ""));
      }
    }
  }
}
