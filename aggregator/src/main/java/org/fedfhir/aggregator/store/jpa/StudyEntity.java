package org.fedfhir.aggregator.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStatus;
import org.fedfhir.federation.NeuralNetwork;
import org.fedfhir.federation.Strategy;
import org.fedfhir.securecompute.privacy.TrainingPrivacy;

@Entity
@Table(name = "fl_study", uniqueConstraints = @UniqueConstraint(columnNames = {"url", "version"}))
class StudyEntity {

  /**
   * The {@code strategy} column of a statistics study: the column predates {@link StudyKind}, so
   * it holds a training study's strategy code or this, and {@code model_dimension} holds a training
   * study's model dimension or a statistics study's vector length.
   */
  static final String STATISTICS = "statistics";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;

  @Column(nullable = false, length = 500)
  String url;

  @Column(nullable = false, length = 100)
  String version;

  @Column(name = "definition_digest", nullable = false, length = 64)
  String definitionDigest;

  @Column(nullable = false, length = 20)
  String strategy;

  int rounds;

  @Column(name = "min_sites")
  int minSites;

  int threshold;

  @Column(name = "model_dimension")
  int modelDimension;

  @Column(name = "server_learning_rate")
  double serverLearningRate;

  @Column(name = "proximal_mu")
  double proximalMu;

  double l2;

  /** A private study's dp-epsilon, dp-delta, dp-clip, dp-unit and the sites' learning rate; null otherwise. */
  @Column(name = "dp_epsilon")
  Double dpEpsilon;

  @Column(name = "dp_delta")
  Double dpDelta;

  @Column(name = "dp_clip")
  Double dpClip;

  @Column(name = "dp_unit", length = 10)
  String dpUnit;

  @Column(name = "dp_learning_rate")
  Double dpLearningRate;

  /** An mlp study's network as "features;hidden-layers;seed" (e.g. "13;32,16;43"); null otherwise. */
  @Column(length = 60)
  String network;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 20)
  StudyStatus status;

  /** Who first published the study (null until claimed; never replaced). */
  @Column(length = 1000)
  String owner;

  protected StudyEntity() {}

  StudyEntity(StudyPlan p) {
    url = p.ref().url();
    version = p.ref().version();
    definitionDigest = p.definitionDigest();
    strategy = p.isStatistics() ? STATISTICS : p.strategy().code();
    rounds = p.rounds();
    minSites = p.minSites();
    threshold = p.threshold();
    modelDimension = p.joinDimension();
    serverLearningRate = p.serverLearningRate();
    proximalMu = p.proximalMu();
    l2 = p.l2();
    p.privacy().ifPresent(dp -> {
      dpEpsilon = dp.epsilon();
      dpDelta = dp.delta();
      dpClip = dp.clip();
      dpUnit = dp.unit().code();
      dpLearningRate = p.learningRate();
    });
    if (!p.isStatistics()) {
      network = p.network().map(n -> n.features() + ";" + n.widths() + ";" + n.seed()).orElse(null);
    }
    status = StudyStatus.ACTIVE;
  }

  StudyPlan toPlan() {
    StudyRef ref = new StudyRef(url, version);
    if (STATISTICS.equals(strategy)) {
      return StudyPlan.statistics(ref, definitionDigest).rounds(rounds).minSites(minSites).threshold(threshold)
          .statisticsLength(modelDimension).build();
    }
    return StudyPlan.training(ref, definitionDigest).strategy(Strategy.fromCode(strategy)).rounds(rounds)
        .minSites(minSites).threshold(threshold).modelDimension(modelDimension)
        .serverLearningRate(serverLearningRate).proximalMu(proximalMu).l2(l2)
        .privacy(dpEpsilon == null ? null : new TrainingPrivacy(dpEpsilon, dpDelta, dpClip,
            TrainingPrivacy.Unit.fromCode(dpUnit).orElseThrow()), dpLearningRate == null ? 0 : dpLearningRate)
        .network(network == null ? null : network(network))
        .build();
  }

  private static NeuralNetwork network(String column) {
    String[] parts = column.split(";");
    return new NeuralNetwork(Integer.parseInt(parts[0]), NeuralNetwork.parseWidths(parts[1]), Long.parseLong(parts[2]));
  }
}
