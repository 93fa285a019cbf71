package org.fedfhir.fhir.audit;

import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;

/**
 * Builds the {@code AuditEvent} (profile {@code FedFhirAuditEvent}) of one {@code $infer} call: type
 * {@code rest}, subtypes {@code operation} and {@code infer}, action {@code E}, outcome, the
 * requester and the site as agents, the PlanDefinition (role Job) and the Patient (role Patient) as
 * entities. It carries no feature value and no probability.
 */
public final class InferenceAudit {
  static final String OPERATION = "http://fedfhir.org/fhir/CodeSystem/operation";
  static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
  public static final String PROFILE = "http://fedfhir.org/fhir/StructureDefinition/FedFhirAuditEvent";

  private InferenceAudit() {}

  /** How the call ended. */
  public enum Outcome {
    SUCCESS(AuditEvent.AuditEventOutcome._0),
    /** Refused for the request (missing features, not approved, …). */
    REFUSED(AuditEvent.AuditEventOutcome._4),
    /** The TEE failed attestation, refused or could not be reached. */
    FAILED(AuditEvent.AuditEventOutcome._8);

    final AuditEvent.AuditEventOutcome code;

    Outcome(AuditEvent.AuditEventOutcome code) {
      this.code = code;
    }
  }

  /**
   * @param planDefinitionId the study's local PlanDefinition, null if it was not resolved
   * @param riskAssessmentId the stored RiskAssessment, null unless persisted
   * @param description the refusal's reason (no values), null on success
   */
  public static AuditEvent of(String site, Requester requester, String planDefinitionId, String patientId,
      String riskAssessmentId, Outcome outcome, String description, Date recorded) {
    AuditEvent ae = new AuditEvent();
    ae.getMeta().addProfile(PROFILE);
    ae.setType(new Coding(TrainingAudit.AUDIT_TYPE, "rest", "RESTful Operation"));
    ae.addSubtype(new Coding(TrainingAudit.RESTFUL_INTERACTION, "operation", "operation"));
    ae.addSubtype(new Coding(OPERATION, "infer", "$infer"));
    ae.setAction(AuditEvent.AuditEventAction.E);
    ae.setRecorded(recorded);
    ae.setOutcome(outcome.code);
    if (description != null) {
      ae.setOutcomeDesc(description);
    }
    requester.describe(ae.addAgent());
    ae.addAgent().setRequestor(false).getWho().setDisplay("FedFHIR plugin at " + site);
    ae.getSource().setSite(site).getObserver().setDisplay(site);
    if (planDefinitionId != null) {
      ae.addEntity().setRole(new Coding(OBJECT_ROLE, "20", "Job"))
          .setWhat(new Reference("PlanDefinition/" + planDefinitionId));
    }
    if (patientId != null) {
      ae.addEntity().setRole(new Coding(OBJECT_ROLE, "1", "Patient")).setWhat(new Reference("Patient/" + patientId));
    }
    if (riskAssessmentId != null) {
      ae.addEntity().setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"))
          .setWhat(new Reference("RiskAssessment/" + riskAssessmentId));
    }
    return ae;
  }
}
