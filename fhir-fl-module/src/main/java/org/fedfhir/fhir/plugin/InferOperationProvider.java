package org.fedfhir.fhir.plugin;

import org.fedfhir.fhir.audit.Requester;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.fedfhir.fhir.inference.InferenceRefusal;
import org.fedfhir.fhir.inference.InferenceService;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.RiskAssessment;

/**
 * {@code POST [base]/Patient/{id}/$infer} ({@code study} canonical 1..1, {@code persist} boolean
 * 0..1): the patient's risk from the study's model in the attested TEE, as a RiskAssessment with its
 * Provenance. Not idempotent, so HAPI refuses GET (405): patient data never goes into a URL.
 * Refusals are OperationOutcomes with the status of {@link InferenceRefusal.Reason}.
 */
public class InferOperationProvider {
  public static final String CANONICAL = "http://fedfhir.org/fhir/OperationDefinition/infer";

  private final InferenceService service;

  public InferOperationProvider(InferenceService service) {
    this.service = service;
  }

  @Operation(name = "$infer", typeName = "Patient", idempotent = false, canonicalUrl = CANONICAL,
      returnParameters = @OperationParam(name = "return", type = RiskAssessment.class, min = 1, max = 1))
  public RiskAssessment infer(@IdParam IdType patient,
      @OperationParam(name = "study", min = 1, max = 1, typeName = "canonical") CanonicalType study,
      @OperationParam(name = "persist", min = 0, max = 1, typeName = "boolean") BooleanType persist,
      RequestDetails request) {
    Requester requester = Requester.of(request);
    try {
      return service.infer(new InferenceService.Request(patient.getIdPart(), study == null ? null : study.getValue(),
          persist != null && persist.booleanValue(), requester)).riskAssessment();
    } catch (InferenceRefusal e) {
      throw Refusals.toHttp(e);
    }
  }
}
