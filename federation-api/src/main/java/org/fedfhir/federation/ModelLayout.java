package org.fedfhir.federation;

/**
 * The global model vector of a training study (docs/federation.md, "Model vector"), for {@code F}
 * features on standardised values; each {@link Strategy} has one.
 */
public enum ModelLayout {
  /**
   * Tribuo's two-row layout {@code [b_0, w_0,1 … w_0,F, b_1, w_1,1 … w_1,F]} (label 0 = absent,
   * 1 = present), length 2(F + 1); the probability of label 1 is the softmax over the two rows.
   * Every strategy but {@code newton}.
   */
  TWO_ROW,
  /** Logistic regression {@code [w_1 … w_F, b]}, intercept last, length F + 1 ({@code newton}). */
  LOGISTIC;

  /** Length of the model vector for {@code features} features. */
  public int dimension(int features) {
    return this == LOGISTIC ? features + 1 : 2 * (features + 1);
  }

  /** The number of features of a model vector of this layout of length {@code dimension}. */
  public int features(int dimension) {
    return this == LOGISTIC ? dimension - 1 : dimension / 2 - 1;
  }

  /** The number of features of a model vector of this layout. */
  public int features(double[] model) {
    return features(model.length);
  }

  /**
   * The logistic weights {@code w} of label 1 against label 0: {@code [w_1 … w_F]} as stored, or
   * {@code w_1 − w_0} of the two rows (the softmax over two rows is σ of their difference).
   */
  public double[] weights(double[] model) {
    int f = requireDimension(model);
    double[] w = new double[f];
    for (int j = 0; j < f; j++) {
      w[j] = this == LOGISTIC ? model[j] : model[f + 2 + j] - model[1 + j];
    }
    return w;
  }

  /** The logistic intercept {@code b}: the last value, or {@code b_1 − b_0} of the two rows. */
  public double bias(double[] model) {
    int f = requireDimension(model);
    return this == LOGISTIC ? model[f] : model[f + 1] - model[0];
  }

  /** Index of the intercept in a {@link #LOGISTIC} model vector of {@code features} features (last). */
  public int interceptIndex(int features) {
    if (this != LOGISTIC) {
      throw new IllegalStateException("the two-row layout has an intercept per row (0 and F + 1)");
    }
    return features;
  }

  /** The linear score of label 1 against label 0 (the log-odds) of standardised row {@code z}. */
  public double logOdds(double[] model, double[] z) {
    int f = z.length;
    if (model.length != dimension(f)) {
      throw new IllegalArgumentException("model of " + model.length + " values for " + f
          + " features; the " + this + " layout needs " + dimension(f));
    }
    if (this == LOGISTIC) {
      double s = model[f];
      for (int j = 0; j < f; j++) {
        s += model[j] * z[j];
      }
      return s;
    }
    double s0 = model[0];
    double s1 = model[f + 1];
    for (int j = 0; j < f; j++) {
      s0 += model[1 + j] * z[j];
      s1 += model[f + 2 + j] * z[j];
    }
    return s1 - s0;
  }

  /** P(label 1 | z): σ(β·z + b), or the softmax over the two rows (which is σ of their difference). */
  public double probability(double[] model, double[] z) {
    return sigmoid(logOdds(model, z));
  }

  private int requireDimension(double[] model) {
    int f = features(model.length);
    if (f < 0 || model.length != dimension(f)) {
      throw new IllegalArgumentException("model of " + model.length + " values; no model of the " + this
          + " layout has that length");
    }
    return f;
  }

  static double sigmoid(double t) {
    return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
  }
}
