package org.fedfhir.fhir.federation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.fedfhir.federation.ModelLayout;
import org.fedfhir.fhir.training.LinearAlgorithm;
import org.tribuo.Example;
import org.tribuo.ImmutableDataset;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableFeatureMap;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.LabelObjective;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.common.sgd.AbstractLinearSGDModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.LinearParameters;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The local step of FedAvg and the server optimisers (McMahan et al. 2017; Reddi et al. 2021):
 * Tribuo's {@link LinearSGDTrainer} (AdaGrad, as {@code mode=local}) warm-started from the global
 * two-row model, for {@code local-epochs} over the site's training rows standardised with the
 * global means and SDs. Feature and label indices are the study's (label 0 = absent, 1 = present;
 * features in the study's order), never Tribuo's own ordering.
 */
final class TribuoLocalUpdate {
  private static final Label NEGATIVE = new Label("0");
  private static final Label POSITIVE = new Label("1");

  private final LabelFactory factory = new LabelFactory();
  private final ImmutableOutputInfo<Label> outputInfo =
      factory.constructInfoForExternalModel(Map.of(NEGATIVE, 0, POSITIVE, 1));
  private final List<String> names;
  private final ImmutableFeatureMap featureMap;

  TribuoLocalUpdate(List<String> featureNames) {
    this.names = List.copyOf(featureNames);
    MutableFeatureMap m = new MutableFeatureMap();
    for (String name : names) {
      m.add(name, 0.0);
      m.add(name, 1.0);
    }
    this.featureMap = new ImmutableFeatureMap(m);
  }

  /** The site's model after {@code epochs} from {@code global}, in the two-row layout. */
  double[] train(double[] global, StandardisedRows rows, LinearAlgorithm algorithm, int epochs,
      double learningRate, long seed) {
    int f = names.size();
    if (global.length != ModelLayout.TWO_ROW.dimension(f)) {
      throw new IllegalArgumentException("global model of " + global.length + " values; the two-row layout of "
          + f + " features needs " + ModelLayout.TWO_ROW.dimension(f));
    }
    String[] featureNames = names.toArray(new String[0]);
    List<Example<Label>> examples = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      examples.add(new ArrayExample<>(rows.y[i] == 1 ? POSITIVE : NEGATIVE, featureNames, rows.z[i]));
    }
    ImmutableDataset<Label> dataset = new ImmutableDataset<>(examples,
        new SimpleDataSourceProvenance("fedfhir site rows (global standardisation)", factory),
        factory, featureMap, outputInfo, false);
    LabelObjective objective = algorithm == LinearAlgorithm.LOGISTIC_REGRESSION ? new LogMulticlass() : new Hinge();
    WarmStart trainer = new WarmStart(objective, new AdaGrad(learningRate, 0.1), epochs, seed, toTribuo(global));
    Model<Label> model = trainer.train(dataset);
    return fromTribuo(((AbstractLinearSGDModel<Label>) model).getWeightsCopy());
  }

  private DenseMatrix toTribuo(double[] v) {
    int f = names.size();
    DenseMatrix m = new DenseMatrix(2, f + 1);
    for (int label = 0; label < 2; label++) {
      m.set(label, f, v[label * (f + 1)]);
      for (int j = 0; j < f; j++) {
        m.set(label, featureMap.getID(names.get(j)), v[label * (f + 1) + 1 + j]);
      }
    }
    return m;
  }

  private double[] fromTribuo(DenseMatrix m) {
    int f = names.size();
    double[] v = new double[2 * (f + 1)];
    for (int label = 0; label < 2; label++) {
      int row = outputInfo.getID(label == 0 ? NEGATIVE : POSITIVE);
      v[label * (f + 1)] = m.get(row, f);
      for (int j = 0; j < f; j++) {
        v[label * (f + 1) + 1 + j] = m.get(row, featureMap.getID(names.get(j)));
      }
    }
    return v;
  }

  /**
   * {@link LinearSGDTrainer} started from given weights (Tribuo 4.3.2 has no warm-start API): the
   * same device as {@code training.WarmStartLinearSGDTrainer}, kept here so this package does not
   * reach into that package's internals.
   */
  private static final class WarmStart extends LinearSGDTrainer {
    private final DenseMatrix initial;

    WarmStart(LabelObjective objective, StochasticGradientOptimiser optimiser, int epochs, long seed,
        DenseMatrix initial) {
      super(objective, optimiser, epochs, -1, 1, seed);
      this.initial = initial;
    }

    @Override
    protected LinearParameters createParameters(int numFeatures, int numOutputs, SplittableRandom rng) {
      DenseMatrix shape = super.createParameters(numFeatures, numOutputs, rng).getWeightMatrix();
      if (shape.getDimension1Size() != initial.getDimension1Size()
          || shape.getDimension2Size() != initial.getDimension2Size()) {
        throw new IllegalArgumentException("initial weights are " + initial.getDimension1Size() + "×"
            + initial.getDimension2Size() + " but the model needs " + shape.getDimension1Size() + "×"
            + shape.getDimension2Size());
      }
      return new LinearParameters(initial.copy());
    }
  }
}
