package org.fedfhir.aggregator.fhir;

import java.util.ArrayList;
import java.util.List;
import org.fedfhir.aggregator.store.ModelSpec;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DataRequirement;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PrimitiveType;

/**
 * Reads a validated study's model layout (docs/study-format.md): the feature names
 * ({@code action.input[i].extension[feature].name}, in order), the algorithm code and the study
 * parameter {@code share-model-with-owner} (default false).
 */
public final class ModelSpecs {
  static final String FEATURE = "http://fedfhir.org/fhir/StructureDefinition/feature";
  static final String ALGORITHM = "http://fedfhir.org/fhir/StructureDefinition/algorithm";

  private ModelSpecs() {}

  /** The spec, or null for a study without an algorithm (statistics studies). */
  public static ModelSpec from(PlanDefinition study) {
    Extension algorithm = study.getExtensionByUrl(ALGORITHM);
    if (algorithm == null || !(algorithm.getValue() instanceof Coding coding) || !coding.hasCode()
        || study.getAction().isEmpty()) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (DataRequirement input : study.getActionFirstRep().getInput()) {
      Extension feature = input.getExtensionByUrl(FEATURE);
      Extension name = feature == null ? null : feature.getExtensionByUrl("name");
      if (name == null || !(name.getValue() instanceof PrimitiveType<?> p)) {
        return null;
      }
      names.add(p.getValueAsString());
    }
    boolean share = false;
    int precision = ModelSpec.DEFAULT_PRECISION;
    for (Extension e : study.getExtensionsByUrl(StudyPlans.PARAMETER)) {
      Extension n = e.getExtensionByUrl("name");
      Extension v = e.getExtensionByUrl("value");
      String parameter = n == null ? null : ((PrimitiveType<?>) n.getValue()).getValueAsString();
      if (v != null && "share-model-with-owner".equals(parameter) && v.getValue() instanceof BooleanType b) {
        share = b.booleanValue();
      } else if (v != null && "prediction-precision".equals(parameter)
          && v.getValue() instanceof org.hl7.fhir.r4.model.IntegerType i && i.getValue() != null) {
        precision = i.getValue();
      }
    }
    return names.isEmpty() ? null : new ModelSpec(names, coding.getCode(), share, precision);
  }
}
