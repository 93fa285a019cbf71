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
  /** The subtype of the AuditEvent a site records when it releases a statistics study's statistics. */
  public static final String RELEASE = "statistics-release";
  /** That AuditEvent's system for {@link #RELEASE}. */
  public static final String RELEASE_SYSTEM = OPERATION;
  /** The entity details of a release. */
  public static final String STUDY_URL = "studyUrl";
  public static final String STUDY_VERSION = "studyVersion";
  public static final String EPSILON = "epsilon";

  private SecureStatsAudit() {}

  /**
   * One release of a statistics study's statistics by this site.
   *
   * @param studyUrl the study's canonical url
   * @param studyVersion its version
   * @param epsilon the ε its differentially private statistics spent (0 if none is)
   */
  public record Release(String studyUrl, String studyVersion, double epsilon) {}

  /**
   * @param site this hospital's name
   * @param requester who asked (the authenticated caller and its address)
   * @param round the aggregator's round the site took part in, or null if none completed
   * @param failure the failure reason, or null on success
   */
  public static AuditEvent of(String site, Requester requester, String planDefinitionId, Integer round, Date recorded,
      String failure) {
    AuditEvent ae = new AuditEvent();
    ae.addSubtype(new Coding(TrainingAudit.RESTFUL_INTERACTION, "operation", "operation"));
    ae.addSubtype(new Coding(OPERATION, "secure-stats", "$secure-stats"));
    ae.setOutcome(failure == null ? AuditEvent.AuditEventOutcome._0 : AuditEvent.AuditEventOutcome._8);
    if (failure != null) {
      ae.setOutcomeDesc(failure);
    }
    requester.describe(ae.addAgent());
    AuditEvent.AuditEventEntityComponent entity = bySite(ae, site, planDefinitionId, recorded);
    if (round != null) {
      entity.addDetail().setType("round").setValue(new org.hl7.fhir.r4.model.StringType(Integer.toString(round)));
    }
    return ae;
  }

  /**
   * The AuditEvent of one release: the site computed its statistics of a study for a STATISTICS round.
   * Subtype {@value #RELEASE}; entity details {@value #STUDY_URL}, {@value #STUDY_VERSION}, {@value #EPSILON}.
   * The site's release policy reads these back; they carry no value.
   */
  public static AuditEvent release(String site, String planDefinitionId, Release release, Date recorded) {
    AuditEvent ae = new AuditEvent();
    ae.addSubtype(new Coding(OPERATION, RELEASE, "statistics released"));
    ae.setOutcome(AuditEvent.AuditEventOutcome._0);
    AuditEvent.AuditEventEntityComponent entity = bySite(ae, site, planDefinitionId, recorded);
    entity.addDetail().setType(STUDY_URL).setValue(new org.hl7.fhir.r4.model.StringType(release.studyUrl()));
    entity.addDetail().setType(STUDY_VERSION).setValue(new org.hl7.fhir.r4.model.StringType(release.studyVersion()));
    entity.addDetail().setType(EPSILON).setValue(new org.hl7.fhir.r4.model.StringType(Double.toString(release.epsilon())));
    return ae;
  }

  /**
   * What both events say alike: a RESTful execution recorded by the site's plugin, about the study
   * {@code PlanDefinition/{planDefinitionId}}; returns that entity for the event's details.
   */
  private static AuditEvent.AuditEventEntityComponent bySite(AuditEvent ae, String site, String planDefinitionId,
      Date recorded) {
    ae.setType(new Coding(TrainingAudit.AUDIT_TYPE, "rest", "Restful Operation"));
    ae.setAction(AuditEvent.AuditEventAction.E);
    ae.setRecorded(recorded);
    ae.addAgent().setRequestor(false).getWho().setDisplay("FedFHIR plugin at " + site);
    ae.getSource().setSite(site).getObserver().setDisplay(site);
    return ae.addEntity().setWhat(new Reference("PlanDefinition/" + planDefinitionId)).setName("$secure-stats");
  }

  /** The release an AuditEvent of {@link #release} records, if it is one. */
  public static java.util.Optional<Release> releaseOf(AuditEvent ae) {
    boolean release = ae.getSubtype().stream()
        .anyMatch(c -> OPERATION.equals(c.getSystem()) && RELEASE.equals(c.getCode()));
    if (!release || ae.getEntity().isEmpty()) {
      return java.util.Optional.empty();
    }
    java.util.Map<String, org.hl7.fhir.r4.model.Type> details = new java.util.HashMap<>();
    ae.getEntityFirstRep().getDetail().forEach(d -> details.put(d.getType(), d.getValue()));
    if (!(details.get(STUDY_URL) instanceof org.hl7.fhir.r4.model.StringType url)
        || !(details.get(STUDY_VERSION) instanceof org.hl7.fhir.r4.model.StringType version)
        || !(details.get(EPSILON) instanceof org.hl7.fhir.r4.model.StringType epsilon)) {
      return java.util.Optional.empty();
    }
    // detail.value is a string in R4: ε as Double.toString wrote it
    return java.util.Optional.of(new Release(url.getValue(), version.getValue(), Double.parseDouble(epsilon.getValue())));
  }
}
