package org.fedfhir.fhir.audit;

import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;

/**
 * Builds the {@code AuditEvent} of one {@code $train} run: type {@code rest}, subtype
 * {@code operation}, action {@code E}, outcome success or serious failure, the requesting client
 * and the site as agents, the PlanDefinition and the Task as entities. It names no patient and
 * carries no feature value.
 */
public final class TrainingAudit {
  static final String AUDIT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
  static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";

  private TrainingAudit() {}

  /**
   * @param site this hospital's name
   * @param requester who asked (the authenticated caller and its address)
   * @param failure the failure reason, or null on success
   */
  public static AuditEvent of(String site, Requester requester, String planDefinitionId, String taskId, String mode,
      Date recorded, String failure) {
    AuditEvent ae = new AuditEvent();
    ae.setType(new Coding(AUDIT_TYPE, "rest", "Restful Operation"));
    ae.addSubtype(new Coding(RESTFUL_INTERACTION, "operation", "operation"));
    ae.addSubtype(new Coding("http://fedfhir.org/fhir/CodeSystem/operation", "train", "$train"));
    ae.setAction(AuditEvent.AuditEventAction.E);
    ae.setRecorded(recorded);
    ae.setOutcome(failure == null ? AuditEvent.AuditEventOutcome._0 : AuditEvent.AuditEventOutcome._8);
    if (failure != null) {
      ae.setOutcomeDesc(failure);
    }
    requester.describe(ae.addAgent());
    AuditEvent.AuditEventAgentComponent siteAgent = ae.addAgent().setRequestor(false);
    siteAgent.getWho().setDisplay("FedFHIR plugin at " + site);
    ae.getSource().setSite(site).getObserver().setDisplay(site);
    ae.addEntity().setWhat(new Reference("PlanDefinition/" + planDefinitionId))
        .setName("$train mode=" + mode);
    if (taskId != null) {
      ae.addEntity().setWhat(new Reference("Task/" + taskId));
    }
    return ae;
  }
}
