package org.fedfhir.fhir.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.fedfhir.federation.Standardisation;
import org.tribuo.Example;
import org.tribuo.ImmutableDataset;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableFeatureMap;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.LabelObjective;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.common.sgd.AbstractLinearSGDModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains one linear model on a site's rows: seeded stratified split, imputation + standardisation
 * fitted on the training rows, Tribuo {@code LinearSGDTrainer} (optionally warm-started), evaluation
 * on the test rows.
 *
 * <p>Feature and label indexes are fixed by the study (not by Tribuo's name sorting or hash order):
 * label 0 = negative, 1 = positive; features in the study's order — see {@link LinearWeights}.
 */
public final class LocalTrainer {
  static final Label NEGATIVE = new Label("0");
  static final Label POSITIVE = new Label("1");

  private final LabelFactory factory = new LabelFactory();
  private final ImmutableOutputInfo<Label> outputInfo =
      factory.constructInfoForExternalModel(Map.of(NEGATIVE, 0, POSITIVE, 1));

  /**
   * Trains and evaluates.
   *
   * @param initial weights to start from (the round's global model), or null to start from zeros
   * @throws IllegalArgumentException if the training split lacks a class
   */
  public TrainingResult train(TrainingData data, TrainingConfig config, LinearWeights initial) {
    return train(data, config, initial, TrainTestSplit.stratified(data.y(), config.testFraction(), config.seed()));
  }

  /** As {@link #train(TrainingData, TrainingConfig, LinearWeights)} with a given split. */
  public TrainingResult train(TrainingData data, TrainingConfig config, LinearWeights initial,
      TrainTestSplit split) {
    int features = data.featureNames().size();
    long positives = Arrays.stream(split.train()).filter(i -> data.y()[i] == 1).count();
    if (positives == 0 || positives == split.train().length) {
      throw new IllegalArgumentException("the training split has " + split.train().length + " rows of which "
          + positives + " positive; both classes are needed");
    }
    Standardisation st = Standardisation.fit(data.x(), split.train(), features);
    ImmutableFeatureMap featureMap = featureMap(data.featureNames());

    ImmutableDataset<Label> train = dataset(data, split.train(), st, featureMap);
    ImmutableDataset<Label> test = dataset(data, split.test(), st, featureMap);

    DenseMatrix start = initial == null ? null : toTribuo(initial, data.featureNames(), featureMap);
    LabelObjective objective = config.algorithm() == LinearAlgorithm.LOGISTIC_REGRESSION
        ? new LogMulticlass() : new Hinge();
    WarmStartLinearSGDTrainer trainer = new WarmStartLinearSGDTrainer(objective,
        new AdaGrad(config.learningRate(), 0.1), config.epochs(), config.seed(), start);
    Model<Label> model = trainer.train(train);
    LinearWeights weights = fromTribuo(((AbstractLinearSGDModel<Label>) model).getWeightsCopy(),
        data.featureNames(), model.getFeatureIDMap());
    Metrics metrics = evaluate(model, test, split.train().length);
    return new TrainingResult(metrics, weights, st);
  }

  private static ImmutableFeatureMap featureMap(List<String> names) {
    MutableFeatureMap m = new MutableFeatureMap();
    for (String name : names) {
      m.add(name, 0.0);
      m.add(name, 1.0);
    }
    return new ImmutableFeatureMap(m);
  }

  private ImmutableDataset<Label> dataset(TrainingData data, int[] rows, Standardisation st,
      ImmutableFeatureMap featureMap) {
    String[] names = data.featureNames().toArray(new String[0]);
    List<Example<Label>> examples = new ArrayList<>(rows.length);
    for (int i : rows) {
      examples.add(new ArrayExample<>(data.y()[i] == 1 ? POSITIVE : NEGATIVE, names, st.apply(data.x()[i])));
    }
    return new ImmutableDataset<>(examples, new SimpleDataSourceProvenance("fedfhir site rows", factory),
        factory, featureMap, outputInfo, false);
  }

  private Metrics evaluate(Model<Label> model, ImmutableDataset<Label> test, int trainCount) {
    if (test.size() == 0) {
      return new Metrics(Double.NaN, Double.NaN, Double.NaN, trainCount, 0);
    }
    LabelEvaluation eval = new LabelEvaluator().evaluate(model, test);
    List<Prediction<Label>> predictions = eval.getPredictions();
    double[] score = new double[predictions.size()];
    int[] truth = new int[predictions.size()];
    boolean bothClasses = false;
    for (int i = 0; i < predictions.size(); i++) {
      Prediction<Label> p = predictions.get(i);
      Map<String, Label> scores = p.getOutputScores();
      score[i] = scores.get(POSITIVE.getLabel()).getScore()
          - (model.generatesProbabilities() ? 0 : scores.get(NEGATIVE.getLabel()).getScore());
      truth[i] = POSITIVE.equals(p.getExample().getOutput()) ? 1 : 0;
      bothClasses |= truth[i] != truth[0];
    }
    double auc;
    double brier = Double.NaN;
    if (!bothClasses) {
      auc = Double.NaN;
    } else if (model.generatesProbabilities()) {
      auc = eval.AUCROC(POSITIVE);
    } else {
      auc = rankAuc(score, truth);
    }
    if (model.generatesProbabilities()) {
      double sum = 0;
      for (int i = 0; i < score.length; i++) {
        sum += (score[i] - truth[i]) * (score[i] - truth[i]);
      }
      brier = sum / score.length;
    }
    return new Metrics(eval.accuracy(), auc, brier, trainCount, test.size());
  }

  /** AUC as the Mann–Whitney statistic of the scores (ties count one half). */
  static double rankAuc(double[] score, int[] truth) {
    long pos = 0;
    long neg = 0;
    double wins = 0;
    for (int i = 0; i < score.length; i++) {
      if (truth[i] != 1) {
        continue;
      }
      pos++;
      for (int j = 0; j < score.length; j++) {
        if (truth[j] == 0) {
          wins += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
        }
      }
    }
    for (int t : truth) {
      neg += t == 0 ? 1 : 0;
    }
    return wins / (pos * neg);
  }

  private DenseMatrix toTribuo(LinearWeights w, List<String> names, ImmutableFeatureMap featureMap) {
    if (w.labels() != 2 || w.features() != names.size()) {
      throw new IllegalArgumentException("initial weights are for " + w.labels() + " labels × " + w.features()
          + " features; the study has 2 × " + names.size());
    }
    DenseMatrix m = new DenseMatrix(2, names.size() + 1);
    for (int label = 0; label < 2; label++) {
      m.set(label, names.size(), w.bias(label));
      for (int j = 0; j < names.size(); j++) {
        m.set(label, featureMap.getID(names.get(j)), w.weight(label, j));
      }
    }
    return m;
  }

  private LinearWeights fromTribuo(DenseMatrix m, List<String> names, ImmutableFeatureMap featureMap) {
    int f = names.size();
    double[] v = new double[2 * (f + 1)];
    for (int label = 0; label < 2; label++) {
      int row = outputInfo.getID(label == 0 ? NEGATIVE : POSITIVE);
      v[label * (f + 1)] = m.get(row, f);
      for (int j = 0; j < f; j++) {
        v[label * (f + 1) + 1 + j] = m.get(row, featureMap.getID(names.get(j)));
      }
    }
    return new LinearWeights(2, f, v);
  }
}
