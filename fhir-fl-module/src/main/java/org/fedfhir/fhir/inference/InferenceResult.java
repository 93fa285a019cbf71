package org.fedfhir.fhir.inference;

import org.fedfhir.study.StudyDefinition;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.RiskAssessment;

/**
 * What {@code $infer} returns: the RiskAssessment (its Provenance contained, or both stored when
 * {@code persisted}) and the Provenance; with the study it came from and the TEE's evidence format
 * ({@code simulated} or a hardware format) for those who show it to a clinician.
 *
 * @param studyBands the bands the study declares to show the risk by, or null (the site's apply)
 */
public record InferenceResult(RiskAssessment riskAssessment, Provenance provenance, boolean persisted,
    StudyDefinition study, String evidenceFormat, RiskBands studyBands) {

  /** The study's bands, or else {@code site}'s. */
  public RiskBands bands(RiskBands site) {
    return studyBands == null ? site : studyBands;
  }

  /** The model's probability of the study's outcome. */
  public double probability() {
    return riskAssessment.getPredictionFirstRep().getProbabilityDecimalType().getValue().doubleValue();
  }
}
