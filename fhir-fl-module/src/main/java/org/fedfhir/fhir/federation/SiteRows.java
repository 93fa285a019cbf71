package org.fedfhir.fhir.federation;

import java.util.List;
import org.fedfhir.fhir.training.TrainTestSplit;
import org.fedfhir.fhir.training.TrainingData;

/**
 * A site's extracted cohort as federated training uses it: the rows ({@code NaN} where a value is
 * missing under {@code impute-mean}), the labels and the site's own train/test split. Stays inside
 * the site; {@link #toString()} shows only counts.
 */
public final class SiteRows {
  private final TrainingData data;
  private final TrainTestSplit split;

  public SiteRows(TrainingData data, TrainTestSplit split) {
    for (int[] part : new int[][] {split.train(), split.test()}) {
      for (int i : part) {
        if (i < 0 || i >= data.rows()) {
          throw new IllegalArgumentException("split row " + i + " outside 0.." + (data.rows() - 1));
        }
      }
    }
    if (split.train().length == 0) {
      throw new IllegalArgumentException("the training split is empty; a site needs training rows to take part");
    }
    this.data = data;
    this.split = split;
  }

  /** The rows with the study's seeded stratified split ({@link TrainTestSplit#stratified}), as {@code mode=local}. */
  public static SiteRows stratified(TrainingData data, double testFraction, long seed) {
    return new SiteRows(data, TrainTestSplit.stratified(data.y(), testFraction, seed));
  }

  public List<String> featureNames() {
    return data.featureNames();
  }

  public int features() {
    return data.featureNames().size();
  }

  double[] row(int i) {
    return data.x()[i];
  }

  int label(int i) {
    return data.y()[i];
  }

  int[] train() {
    return split.train().clone();
  }

  int[] test() {
    return split.test().clone();
  }

  public int trainCount() {
    return split.train().length;
  }

  public int testCount() {
    return split.test().length;
  }

  @Override
  public String toString() {
    return "SiteRows[features=" + features() + ", train=" + trainCount() + ", test=" + testCount() + "]";
  }
}
