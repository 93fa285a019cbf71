package org.fedfhir.cli.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedfhir.federation.Standardisation;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.loader.HeartDiseaseRow;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParameters;
import org.fedfhir.fhir.training.LinearAlgorithm;
import org.fedfhir.fhir.training.LinearWeights;
import org.fedfhir.fhir.training.LocalTrainer;
import org.fedfhir.fhir.training.TrainTestSplit;
import org.fedfhir.fhir.training.TrainingConfig;
import org.fedfhir.fhir.training.TrainingData;
import org.fedfhir.fhir.training.TrainingResult;

/**
 * Pooled training, for reference only: what one model trained on all four centres' rows together
 * reaches. It is exactly what federated learning avoids (the rows leave their hospital), so the demo
 * computes it in its own memory from the module's copy of the UCI files and never sends it anywhere.
 *
 * <p>Same features, preprocessing and split as the sites: the study's features read from the raw
 * rows (the values the loader writes as FHIR), each centre's seeded stratified split
 * ({@link TrainTestSplit#stratified}, the study's {@code seed} and {@code test-fraction}, rows in file
 * order as the sites extract them), mean imputation and standardisation fitted on the pooled training
 * rows, then the same {@link LocalTrainer} (Tribuo SGD, the study's epochs and learning rate). It is
 * evaluated on each centre's test split, as the sites evaluate.
 */
public final class PooledReference {

  /** The pooled model's test accuracy per centre and each centre's split sizes. */
  public record Result(Map<String, Double> perCentre, Map<String, Integer> testCounts, LinearWeights weights,
      Standardisation standardisation) {}

  /** One centre's rows in the study's feature order. */
  record CentreRows(String centre, double[][] x, int[] y) {}

  /** Reads every centre from the module's resources and trains. */
  public Result train(StudyDefinition study) {
    List<CentreRows> centres = new ArrayList<>();
    for (HeartDiseaseCentre c : HeartDiseaseCentre.values()) {
      centres.add(rows(c.code(), HeartDiseaseRow.read(c), study.featureNames()));
    }
    return train(centres, study.featureNames(), study.parameters());
  }

  static CentreRows rows(String centre, List<HeartDiseaseRow> raw, List<String> features) {
    double[][] x = new double[raw.size()][features.size()];
    int[] y = new int[raw.size()];
    for (int i = 0; i < raw.size(); i++) {
      for (int j = 0; j < features.size(); j++) {
        x[i][j] = raw.get(i).get(features.get(j));
      }
      y[i] = raw.get(i).label();
    }
    return new CentreRows(centre, x, y);
  }

  Result train(List<CentreRows> centres, List<String> features, StudyParameters p) {
    List<double[]> x = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    Map<String, int[]> testRowsByCentre = new LinkedHashMap<>();
    for (CentreRows c : centres) {
      int offset = x.size();
      TrainTestSplit split = TrainTestSplit.stratified(c.y(), p.testFraction(), p.seed());
      for (int i = 0; i < c.y().length; i++) {
        x.add(c.x()[i]);
        y.add(c.y()[i]);
      }
      for (int i : split.train()) {
        train.add(offset + i);
      }
      int[] t = new int[split.test().length];
      for (int k = 0; k < t.length; k++) {
        t[k] = offset + split.test()[k];
        test.add(t[k]);
      }
      testRowsByCentre.put(c.centre(), t);
    }
    TrainingData data = new TrainingData(features, x.toArray(new double[0][]),
        y.stream().mapToInt(Integer::intValue).toArray());
    TrainingConfig config = new TrainingConfig(LinearAlgorithm.LOGISTIC_REGRESSION, p.localEpochs(),
        p.learningRate(), p.seed(), p.testFraction());
    TrainingResult r = new LocalTrainer().train(data, config, null, TrainTestSplit.given(
        train.stream().mapToInt(Integer::intValue).toArray(), test.stream().mapToInt(Integer::intValue).toArray()));

    Map<String, Double> accuracy = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    testRowsByCentre.forEach((centre, rows) -> {
      accuracy.put(centre, accuracy(data, rows, r.weights(), r.standardisation()));
      counts.put(centre, rows.length);
    });
    return new Result(accuracy, counts, r.weights(), r.standardisation());
  }

  /** Share of {@code rows} whose predicted class (the larger linear score, as Tribuo decides) is right. */
  static double accuracy(TrainingData data, int[] rows, LinearWeights w, Standardisation st) {
    if (rows.length == 0) {
      return Double.NaN;
    }
    int right = 0;
    for (int i : rows) {
      double[] z = st.apply(data.x()[i]);
      int predicted = score(w, 1, z) > score(w, 0, z) ? 1 : 0;
      right += predicted == data.y()[i] ? 1 : 0;
    }
    return right / (double) rows.length;
  }

  private static double score(LinearWeights w, int label, double[] z) {
    double s = w.bias(label);
    for (int j = 0; j < z.length; j++) {
      s += w.weight(label, j) * z[j];
    }
    return s;
  }
}
