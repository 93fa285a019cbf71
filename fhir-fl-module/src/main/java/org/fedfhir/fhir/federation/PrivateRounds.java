package org.fedfhir.fhir.federation;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.fedfhir.federation.NeuralNetwork;
import org.fedfhir.federation.SiteSession;
import org.fedfhir.federation.SiteSession.RoundRefusedException;
import org.fedfhir.fhir.training.LinearAlgorithm;
import org.fedfhir.securecompute.privacy.PrivateUpdate;
import org.fedfhir.securecompute.privacy.TrainingPrivacy;
import org.fedfhir.securecompute.privacy.ZcdpAccountant;

/**
 * A site's TRAIN rounds of a differentially private study (docs/federation.md, "Differential
 * privacy"): one clipped gradient step per round at the global model, with this site's share of
 * the distributed discrete Gaussian noise ({@link PrivateUpdate}), and the site's own ε ledger.
 *
 * <p>The site takes none of the round's privacy from the aggregator: it calibrates its share from
 * the study it holds and the round's threshold, and refuses a round that announces less noise (a
 * smaller σ², a larger clip, another lattice), that announces none, whose encoding cannot carry the
 * lattice exactly, or that would take its ledger past the study's ε. Asked again at a model it
 * already contributed at (a round run again after an abort), it sends the very same payload, so
 * a second sum reveals nothing new and costs nothing.
 */
final class PrivateRounds {

  private final TrainingPrivacy privacy;
  private final int rounds;
  private final double learningRate;
  private final LinearAlgorithm algorithm;
  private final NeuralNetwork network;
  private final SecureRandom random;
  private final ZcdpAccountant ledger;
  private final Map<String, double[]> sent = new HashMap<>();

  PrivateRounds(TrainingPrivacy privacy, int rounds, double learningRate, LinearAlgorithm algorithm,
      SecureRandom random) {
    this(privacy, rounds, learningRate, algorithm, null, random);
  }

  /** Rounds of an {@code mlp} study when {@code network} is not null: the gradient is the network's, without dropout. */
  PrivateRounds(TrainingPrivacy privacy, int rounds, double learningRate, LinearAlgorithm algorithm,
      NeuralNetwork network, SecureRandom random) {
    this.network = network;
    this.privacy = privacy;
    this.rounds = rounds;
    this.learningRate = learningRate;
    this.algorithm = algorithm;
    this.random = random;
    this.ledger = new ZcdpAccountant(privacy.epsilon(), privacy.delta());
  }

  /** The ε this site's contributions have spent so far, by its own ledger. */
  synchronized double epsilon() {
    return ledger.epsilon();
  }

  /** The study's ε target. */
  double target() {
    return privacy.epsilon();
  }

  /** True if the ledger cannot pay for another TRAIN round. */
  synchronized boolean budgetSpent() {
    return !ledger.allows(privacy.roundRho(rounds));
  }

  /** Contributions counted by the ledger. */
  int releases() {
    return ledger.releases();
  }

  /**
   * The round's weighted-model payload {@code [c·w̃ − step·(Σv + z), c]}.
   *
   * @throws RoundRefusedException if the round breaks this site's privacy policy (the message says how)
   */
  synchronized double[] payload(int round, double[] global, StandardisedRows train, SiteSession.RoundTerms terms) {
    String key = digest(global);
    double[] earlier = sent.get(key);
    if (earlier != null) {
      return earlier.clone();
    }
    int d = global.length;
    double step = privacy.step(learningRate);
    double variance = privacy.shareVariance(terms.threshold(), rounds, d, learningRate);
    SiteSession.AnnouncedPrivacy announced = terms.privacy();
    if (announced == null) {
      throw refused(round, "the aggregator announced no differential privacy for a TRAIN round of a study that "
          + "declares dp-epsilon " + privacy.epsilon());
    }
    if (announced.shareVariance() < variance * (1 - 1e-9) || announced.clip() > privacy.clip()
        || announced.latticeStep() != step) {
      throw refused(round, "it announces noise σ² = " + announced.shareVariance() + " per share, clip "
          + announced.clip() + ", lattice step " + announced.latticeStep() + "; the study this site holds needs σ² ≥ "
          + variance + " at threshold " + terms.threshold() + ", clip ≤ " + privacy.clip() + ", step " + step);
    }
    if (Math.scalb(1.0, -terms.fractionBits()) > TrainingPrivacy.FINEST_STEP) {
      throw refused(round, "its encoding of " + terms.fractionBits() + " fractional bits cannot carry the noised "
          + "update exactly; need ≥ 24");
    }
    double rho = privacy.roundRho(rounds);
    if (!ledger.allows(rho)) {
      throw refused(round, "this site's contributions have spent ε = " + format(ledger.epsilon()) + " of the study's "
          + privacy.epsilon() + " (δ = " + privacy.delta() + "); another round would exceed it");
    }
    double[] payload = new PrivateUpdate(privacy, d, learningRate, terms.threshold(), rounds, random)
        .payload(global, gradients(global, train));
    ledger.spend(rho);
    sent.put(key, payload.clone());
    return payload;
  }

  /** One gradient per privacy unit: each record's, or for site-level privacy the site's mean. */
  private List<double[]> gradients(double[] global, StandardisedRows train) {
    List<double[]> out = new ArrayList<>(train.size());
    for (int i = 0; i < train.size(); i++) {
      out.add(gradient(global, train.z[i], train.y[i]));
    }
    if (privacy.unit() == TrainingPrivacy.Unit.RECORD) {
      return out;
    }
    double[] mean = new double[global.length];
    for (double[] g : out) {
      for (int j = 0; j < mean.length; j++) {
        mean[j] += g[j] / out.size();
      }
    }
    return List.of(mean);
  }

  /**
   * The gradient of one record's loss: an {@code mlp} study's network by backpropagation, else for Tribuo's two-row model {@code [b_0, w_0, b_1, w_1]}, x̃ = [1, z]:
   * the softmax log-loss gives row k {@code (p_k − [k = y])·x̃}; the hinge {@code max(0, 1 − (s_y − s_¬y))}
   * gives {@code −x̃} to row y and {@code +x̃} to the other while the margin is below 1.
   */
  double[] gradient(double[] model, double[] z, int y) {
    if (network != null) {
      double[] g = new double[model.length];
      network.addGradient(model, z, y, 0, null, g);
      return g;
    }
    int f = z.length;
    double s0 = model[0];
    double s1 = model[f + 1];
    for (int j = 0; j < f; j++) {
      s0 += model[1 + j] * z[j];
      s1 += model[f + 2 + j] * z[j];
    }
    double c1;
    if (algorithm == LinearAlgorithm.LOGISTIC_REGRESSION) {
      double p1 = org.fedfhir.federation.ModelLayout.TWO_ROW.probability(model, z);
      c1 = p1 - y;
    } else {
      double margin = y == 1 ? s1 - s0 : s0 - s1;
      c1 = margin >= 1 ? 0 : (y == 1 ? -1 : 1);
    }
    double[] g = new double[2 * (f + 1)];
    g[0] = -c1;
    g[f + 1] = c1;
    for (int j = 0; j < f; j++) {
      g[1 + j] = -c1 * z[j];
      g[f + 2 + j] = c1 * z[j];
    }
    return g;
  }

  private static RoundRefusedException refused(int round, String reason) {
    return new RoundRefusedException("this site refused round " + round + ": " + reason);
  }

  private static String format(double epsilon) {
    return String.format(java.util.Locale.ROOT, "%.4g", epsilon);
  }

  private static String digest(double[] model) {
    ByteBuffer b = ByteBuffer.allocate(8 * model.length);
    for (double w : model) {
      b.putDouble(w);
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
