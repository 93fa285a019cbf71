package org.fedfhir.federation;

import java.util.Arrays;
import java.util.List;

/**
 * The strategy a training study names (study parameter {@code strategy}, docs/study-format.md) and
 * what follows from it on both sides of the wire: the layout of the global model
 * ({@link ModelLayout}: its dimension for F features, where the intercept is), and the payload a site
 * sends in a TRAIN round — the strategy's update ({@link Payloads}) followed by the
 * {@link MetricTail} of the round's incoming model — and how the aggregator splits the summed payload
 * again. How the aggregator turns the summed update into the next model is its own (Flower's
 * strategy: pure aggregation policy); this type only fixes what the sites and it agree on.
 */
public enum Strategy {
  /** Weighted federated averaging (McMahan et al., AISTATS 2017). */
  FEDAVG("fedavg", ModelLayout.TWO_ROW, false),
  /** FedAvg at the server, a proximal term at the sites (Li et al., MLSys 2020); logistic regression only. */
  FEDPROX("fedprox", ModelLayout.TWO_ROW, true),
  /** Server-side Adam over the sites' average (Reddi et al., ICLR 2021). */
  FEDADAM("fedadam", ModelLayout.TWO_ROW, false),
  /** Server-side Adagrad over the sites' average (Reddi et al., ICLR 2021). */
  FEDADAGRAD("fedadagrad", ModelLayout.TWO_ROW, false),
  /** Server-side Yogi over the sites' average (Reddi et al., ICLR 2021). */
  FEDYOGI("fedyogi", ModelLayout.TWO_ROW, false),
  /** Exact federated Newton–Raphson from summed scores and information matrices; logistic regression only. */
  NEWTON("newton", ModelLayout.LOGISTIC, true);

  private static final List<String> CODES = Arrays.stream(values()).map(Strategy::code).toList();

  private final String code;
  private final ModelLayout layout;
  private final boolean logisticOnly;

  Strategy(String code, ModelLayout layout, boolean logisticOnly) {
    this.code = code;
    this.layout = layout;
    this.logisticOnly = logisticOnly;
  }

  /** The study-format and FHIR code ({@code fedavg}, {@code newton}, …). */
  public String code() {
    return code;
  }

  /**
   * The strategy of a study-format code.
   *
   * @throws IllegalArgumentException naming the code and the allowed ones if it is none of them
   */
  public static Strategy fromCode(String code) {
    for (Strategy s : values()) {
      if (s.code.equals(code)) {
        return s;
      }
    }
    throw new IllegalArgumentException("strategy '" + code + "'; need one of " + String.join(", ", CODES));
  }

  /** True if {@code code} names a strategy. */
  public static boolean isCode(String code) {
    return CODES.contains(code);
  }

  /** Every strategy's code, in declaration order. */
  public static List<String> codes() {
    return CODES;
  }

  /** The layout of the global model vector. */
  public ModelLayout layout() {
    return layout;
  }

  /** Length of the global model for {@code features} features. */
  public int modelDimension(int features) {
    return layout.dimension(features);
  }

  /**
   * Length of the global model of a study of {@code features} features: this strategy's layout for a
   * linear model, or the flat parameters of {@code network} for an {@code mlp} study (null for none),
   * which every weighted-model strategy averages the same way.
   *
   * @throws IllegalArgumentException for a network under a strategy whose local computation exists
   *     for logistic regression only
   */
  public int modelDimension(int features, NeuralNetwork network) {
    if (network == null) {
      return modelDimension(features);
    }
    if (logisticOnly) {
      throw new IllegalArgumentException("strategy " + code + " is implemented for logistic regression only; a "
          + "neural network trains under fedavg, fedadam, fedadagrad or fedyogi");
    }
    return network.dimension();
  }

  /** The number of features of a global model of length {@code modelDimension}. */
  public int features(int modelDimension) {
    return layout.features(modelDimension);
  }

  /** True if the sites' local computation exists for logistic regression only ({@code newton}, {@code fedprox}). */
  public boolean needsLogisticRegression() {
    return logisticOnly;
  }

  /**
   * Length of the update part of a site's TRAIN payload for a model of the given dimension d:
   * {@code [s, upper triangle of I, n]} (d + d(d+1)/2 + 1) for {@code newton}, the weighted model
   * {@code [n·w, n]} (d + 1) for every other strategy.
   */
  public int updateLength(int modelDimension) {
    return this == NEWTON
        ? modelDimension + Payloads.upperTriangleLength(modelDimension) + 1
        : modelDimension + 1;
  }

  /** Length of a site's whole TRAIN payload: the update, then the metric tail. */
  public int payloadLength(int modelDimension) {
    return updateLength(modelDimension) + MetricTail.LENGTH;
  }

  /** The (summed) update part of a (summed) TRAIN payload. */
  public double[] update(double[] payload) {
    return Arrays.copyOf(payload, payload.length - MetricTail.LENGTH);
  }

  /** The (summed) metric tail of a (summed) TRAIN payload: its last {@link MetricTail#LENGTH} values. */
  public MetricTail metricTail(double[] payload) {
    return MetricTail.last(payload);
  }
}
