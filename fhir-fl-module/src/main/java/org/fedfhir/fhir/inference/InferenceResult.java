package org.fedfhir.fhir.inference;

import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.RiskAssessment;

/**
 * What {@code $infer} returns: the RiskAssessment (its Provenance contained, or both stored when
 * {@code persisted}) and the Provenance.
 */
public record InferenceResult(RiskAssessment riskAssessment, Provenance provenance, boolean persisted) {}
