package org.fedfhir.aggregator.fhir;

import org.fedfhir.aggregator.store.ModelSpec;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParameters;

/**
 * A study's model layout (docs/study-format.md): the feature names in order, the algorithm code
 * and the study parameters {@code share-model-with-owner} and {@code prediction-precision}.
 */
public final class ModelSpecs {

  private ModelSpecs() {}

  /** The spec, or null for a study that trains no model (statistics studies). */
  public static ModelSpec from(StudyDefinition study) {
    if (!(study instanceof StudyDefinition.Training training)) {
      return null;
    }
    StudyParameters p = training.parameters();
    return new ModelSpec(training.featureNames(), training.algorithm().code(), p.shareModelWithOwner(),
        p.predictionPrecision());
  }
}
