package org.fedfhir.fhir.audit;

import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;

/**
 * The {@code AuditEvent} of a site's part in a statistics study ({@code $secure-stats}): type
 * {@code rest}, subtypes {@code operation} and {@code secure-stats}, action {@code E}, outcome
 * success or serious failure, the requesting client and the site as agents, the PlanDefinition as
 * entity with the round in which the site's statistics were summed. It carries no value: no count,
 * no sum, no patient.
 */
public final class SecureStatsAudit {
  static final String OPERATION = "http://fedfhir.org/fhir/CodeSystem/operation";

  private SecureStatsAudit() {}

  /**
   * @param site this hospital's name
   * @param requester who asked (the authenticated caller and its address)
   * @param round the aggregator's round the site took part in, or null if none completed
   * @param failure the failure reason, or null on success
   */
  public static AuditEvent of(String site, Requester requester, String planDefinitionId, Integer round, Date recorded,
      String failure) {
    AuditEvent ae = new AuditEvent();
    ae.setType(new Coding(TrainingAudit.AUDIT_TYPE, "rest", "Restful Operation"));
    ae.addSubtype(new Coding(TrainingAudit.RESTFUL_INTERACTION, "operation", "operation"));
    ae.addSubtype(new Coding(OPERATION, "secure-stats", "$secure-stats"));
    ae.setAction(AuditEvent.AuditEventAction.E);
    ae.setRecorded(recorded);
    ae.setOutcome(failure == null ? AuditEvent.AuditEventOutcome._0 : AuditEvent.AuditEventOutcome._8);
    if (failure != null) {
      ae.setOutcomeDesc(failure);
    }
    requester.describe(ae.addAgent());
    ae.addAgent().setRequestor(false).getWho().setDisplay("FedFHIR plugin at " + site);
    ae.getSource().setSite(site).getObserver().setDisplay(site);
    AuditEvent.AuditEventEntityComponent entity = ae.addEntity()
        .setWhat(new Reference("PlanDefinition/" + planDefinitionId)).setName("$secure-stats");
    if (round != null) {
      entity.addDetail().setType("round").setValue(new org.hl7.fhir.r4.model.StringType(Integer.toString(round)));
    }
    return ae;
  }
}
