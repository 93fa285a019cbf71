package org.fedfhir.study;

import java.util.Optional;

/** The model family a training study asks for ({@code {base}/CodeSystem/algorithm}). */
public enum Algorithm {
  LOGISTIC_REGRESSION("logistic-regression"), LINEAR_SVM("linear-svm"),
  /** A feed-forward neural network ({@code hidden-layers}, {@code dropout}; {@code federation.NeuralNetwork}). */
  MLP("mlp");

  private final String code;

  Algorithm(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<Algorithm> fromCode(String code) {
    for (Algorithm a : values()) {
      if (a.code.equals(code)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
