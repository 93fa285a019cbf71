package org.fedfhir.fhir.plugin;

import org.fedfhir.fhir.audit.Requester;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.ArrayList;
import java.util.List;
import org.fedfhir.fhir.inference.InferenceRefusal;
import org.fedfhir.fhir.inference.InferenceService;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RiskAssessment;

/**
 * {@code POST [base]/Patient/{id}/$infer} ({@code study} canonical 1..1, {@code persist} boolean
 * 0..1): the patient's risk from the study's model in the attested TEE, as a RiskAssessment with its
 * Provenance. Not idempotent, so HAPI refuses GET (405): patient data never goes into a URL.
 * Refusals are OperationOutcomes with the status of {@link InferenceRefusal.Reason}.
 *
 * <p>{@code POST [base]/Patient/$infer-batch} is the batch for a ward list: {@code study}, and either
 * {@code patient} (references, 1..{@value InferenceService#MAX_BATCH}) or {@code group} (a Group of
 * patients). It answers a {@code batch-response} Bundle with one entry per patient in the order asked:
 * the RiskAssessment ({@code 200 OK}), or the OperationOutcome of that patient's refusal with its
 * status. Only a refusal of the whole call (the request, the study, the TEE, a Group or member the caller
 * may not read: {@link CallerReads}) is an HTTP error. It has
 * a name of its own because HAPI derives one OperationDefinition per operation name: a type-level
 * {@code $infer} would merge into the guide's instance-level one (two {@code return} types).
 */
public class InferOperationProvider {
  public static final String CANONICAL = "http://fedfhir.org/fhir/OperationDefinition/infer";
  public static final String BATCH = "$infer-batch";
  public static final String BATCH_CANONICAL = "http://fedfhir.org/fhir/OperationDefinition/infer-batch";

  private final InferenceService service;
  private final CallerReads reads;

  /** The operations on a server without access control. */
  public InferOperationProvider(InferenceService service) {
    this(service, CallerReads.ANYONE);
  }

  /** @param reads whether a caller may read the Group of a ward list and its members by their own rights */
  public InferOperationProvider(InferenceService service, CallerReads reads) {
    this.service = service;
    this.reads = reads;
  }

  /** The service behind the operation (the CDS Hooks service computes on the same path). */
  public InferenceService service() {
    return service;
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

  @Operation(name = BATCH, typeName = "Patient", idempotent = false, canonicalUrl = BATCH_CANONICAL,
      returnParameters = @OperationParam(name = "return", type = Bundle.class, min = 1, max = 1))
  public Bundle inferAll(
      @OperationParam(name = "study", min = 1, max = 1, typeName = "canonical") CanonicalType study,
      @OperationParam(name = "patient", min = 0, max = InferenceService.MAX_BATCH, typeName = "Reference")
          List<Reference> patients,
      @OperationParam(name = "group", min = 0, max = 1, typeName = "Reference") Reference group,
      @OperationParam(name = "persist", min = 0, max = 1, typeName = "boolean") BooleanType persist,
      RequestDetails request) {
    try {
      List<String> ids = new ArrayList<>();
      if (patients != null) {
        patients.forEach(p -> ids.add(p.getReferenceElement().getIdPart()));
      }
      if (group != null && group.getReferenceElement().getIdPart() != null) {
        ids.addAll(readableMembers(group.getReferenceElement().getIdPart(), request));
      }
      return BatchResponses.bundle(service.inferAll(new InferenceService.BatchRequest(ids,
          study == null ? null : study.getValue(), persist != null && persist.booleanValue(), Requester.of(request))));
    } catch (InferenceRefusal e) {
      throw Refusals.toHttp(e);
    }
  }

  /**
   * The Group's patients, if the caller may read the Group and each of them by their own rights: the
   * server reads them with its own, and a ward list must not reveal a Group or score a patient the
   * caller could not open (403 naming the first one refused).
   */
  private List<String> readableMembers(String groupId, RequestDetails request) throws InferenceRefusal {
    if (!reads.mayRead(request, new Group().setIdElement(new IdType("Group", groupId)))) {
      throw new ForbiddenOperationException("the caller may not read Group/" + groupId
          + ": a ward list is scored only for a Group the caller may read (user/Group.rs, clinician role)");
    }
    List<String> members = service.members(groupId);
    for (String member : members) {
      if (!reads.mayRead(request, new Patient().setIdElement(new IdType("Patient", member)))) {
        throw new ForbiddenOperationException("the caller may not read Patient/" + member + ", a member of Group/"
            + groupId + ": a ward list is scored only for patients the caller may read (user/Patient.rs)");
      }
    }
    return members;
  }
}
