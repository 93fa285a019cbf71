package org.fedfhir.fhir.inference;

import java.util.List;

/**
 * Where a prediction is computed: the attested TEE model service ({@link TeeModelService}), or a
 * stand-in in tests. Implementations verify the service before anything is sent.
 */
public interface ModelService {

  /** The service's base URL (for Provenance and audit). */
  String baseUrl();

  /**
   * Checks the service against the site's policy before a batch, so a failing attestation refuses the
   * call once instead of every patient. Implementations that attest in {@link #predict} may cache.
   *
   * @throws InferenceRefusal {@code ATTESTATION_FAILED} or {@code TEE_FAILED}
   */
  default void attest() throws InferenceRefusal {}

  /**
   * The model's probability for one patient's raw features.
   *
   * @param study the study as {@code url|version}
   * @param modelDigest the provisioned model's digest
   * @param names the feature names in the model's order
   * @param values the raw values, same order; {@code NaN} = missing (the model's mean is used)
   * @throws InferenceRefusal {@code ATTESTATION_FAILED} (nothing was sent), {@code TEE_BUDGET_SPENT} (429) or
   *     {@code TEE_FAILED}
   */
  Prediction predict(String study, String modelDigest, List<String> names, double[] values) throws InferenceRefusal;

  /**
   * The model's probabilities for several patients, in their order, all or none: as {@link #predict}
   * for each, in one exchange where the service allows it (the TEE's lean path seals them in one batch).
   *
   * @param values each patient's raw values in the order of {@code names}
   * @throws InferenceRefusal as {@link #predict}, for the whole list
   */
  default List<Prediction> predictAll(String study, String modelDigest, List<String> names, List<double[]> values)
      throws InferenceRefusal {
    List<Prediction> predictions = new java.util.ArrayList<>(values.size());
    for (double[] v : values) {
      predictions.add(predict(study, modelDigest, names, v));
    }
    return predictions;
  }

  /**
   * A probability and the attested service that computed it.
   *
   * @param evidenceFormat {@code simulated} or {@code aws-nitro-enclaves}
   * @param measurement the enclave's verified measurement (hex)
   */
  record Prediction(double probability, String evidenceFormat, String measurement) {
    @Override
    public String toString() {
      return "Prediction[hidden, " + evidenceFormat + "]";
    }
  }
}
