package org.fedfhir.fhir.audit;

import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * The {@code AuditEvent}s of a site's part in a clean-room study ({@code $clean-room}), both type
 * {@code rest}, action {@code E}, about the study's PlanDefinition (entity named {@code $clean-room}),
 * told apart by their one FedFHIR operation subtype:
 * <ul>
 *   <li>{@value #DELIVERY}: the site sealed its rows to the attested TEE and delivered them (or
 *       failed to): study digest, program SHA-256, the number of records rounded as the site
 *       publishes counts, and the TEE's delivered / needed;</li>
 *   <li>{@value #RESULT}: the TEE's receipt of the run: program SHA-256, SHA-256 of the released
 *       output, the sites pooled; or the run's failure code.</li>
 * </ul>
 * Neither carries a value: no row, no feature, no released record, no key.
 */
public final class CleanRoomAudit {
  /** The subtype of the delivery AuditEvent. */
  public static final String DELIVERY = "clean-room-delivery";
  /** The subtype of the receipt AuditEvent. */
  public static final String RESULT = "clean-room-result";
  /** Entity detail types. */
  public static final String STUDY_DIGEST = "studyDigest";
  public static final String PROGRAM_SHA256 = "programSha256";
  public static final String RECORDS = "records";
  public static final String DELIVERED = "delivered";
  public static final String NEEDED = "needed";
  public static final String OUTPUT_SHA256 = "outputSha256";
  public static final String SITE = "site";
  public static final String FAILURE = "failure";

  private CleanRoomAudit() {}

  /**
   * What the site delivered: the study digest its steward approved, the program's SHA-256, the
   * number of records as published (rounded to 5), and the TEE's counts (null if it did not answer).
   */
  public record Delivery(String studyDigest, String programSha256, int publishedRecords, Integer delivered,
      Integer needed) {}

  /**
   * The run's receipt: program and output SHA-256 and the sites pooled, as the TEE reported them;
   * {@code failureCode} instead if the run failed or no receipt came before the deadline.
   */
  public record Receipt(String studyDigest, String programSha256, String outputSha256, List<String> sites,
      String failureCode) {
    public Receipt {
      sites = sites == null ? List.of() : List.copyOf(sites);
    }
  }

  /**
   * @param site this hospital's name
   * @param requester the data steward who started {@code $clean-room}
   * @param failure why the delivery failed, or null if the TEE took the rows
   */
  public static AuditEvent delivery(String site, Requester requester, String planDefinitionId, Delivery delivery,
      Date recorded, String failure) {
    AuditEvent ae = bySite(site, requester, DELIVERY, "rows delivered to the clean room", planDefinitionId,
        recorded, failure);
    AuditEvent.AuditEventEntityComponent entity = ae.getEntityFirstRep();
    detail(entity, STUDY_DIGEST, delivery.studyDigest());
    detail(entity, PROGRAM_SHA256, delivery.programSha256());
    detail(entity, RECORDS, Integer.toString(delivery.publishedRecords()));
    if (delivery.delivered() != null) {
      detail(entity, DELIVERED, delivery.delivered().toString());
      detail(entity, NEEDED, delivery.needed().toString());
    }
    return ae;
  }

  /**
   * @param requester the data steward who started the delivery this receipt belongs to
   * @param failure a description of the failure (its code is in the receipt), or null on success
   */
  public static AuditEvent result(String site, Requester requester, String planDefinitionId, Receipt receipt,
      Date recorded, String failure) {
    AuditEvent ae = bySite(site, requester, RESULT, "clean-room result", planDefinitionId, recorded, failure);
    AuditEvent.AuditEventEntityComponent entity = ae.getEntityFirstRep();
    detail(entity, STUDY_DIGEST, receipt.studyDigest());
    detail(entity, PROGRAM_SHA256, receipt.programSha256());
    if (receipt.outputSha256() != null) {
      detail(entity, OUTPUT_SHA256, receipt.outputSha256());
    }
    receipt.sites().forEach(s -> detail(entity, SITE, s));
    if (receipt.failureCode() != null) {
      detail(entity, FAILURE, receipt.failureCode());
    }
    return ae;
  }

  /** The value of the first entity detail of {@code type}, or null. */
  public static String detail(AuditEvent ae, String type) {
    return ae.getEntityFirstRep().getDetail().stream().filter(d -> type.equals(d.getType())).findFirst()
        .map(d -> d.getValue().primitiveValue()).orElse(null);
  }

  private static AuditEvent bySite(String site, Requester requester, String subtype, String display,
      String planDefinitionId, Date recorded, String failure) {
    AuditEvent ae = new AuditEvent();
    ae.setType(new Coding(TrainingAudit.AUDIT_TYPE, "rest", "Restful Operation"));
    ae.addSubtype(new Coding(TrainingAudit.RESTFUL_INTERACTION, "operation", "operation"));
    ae.addSubtype(new Coding(SecureStatsAudit.OPERATION, subtype, display));
    ae.setAction(AuditEvent.AuditEventAction.E);
    ae.setRecorded(recorded);
    ae.setOutcome(failure == null ? AuditEvent.AuditEventOutcome._0 : AuditEvent.AuditEventOutcome._8);
    if (failure != null) {
      ae.setOutcomeDesc(failure);
    }
    requester.describe(ae.addAgent());
    ae.addAgent().setRequestor(false).getWho().setDisplay("FedFHIR plugin at " + site);
    ae.getSource().setSite(site).getObserver().setDisplay(site);
    ae.addEntity().setWhat(new Reference("PlanDefinition/" + planDefinitionId)).setName("$clean-room");
    return ae;
  }

  private static void detail(AuditEvent.AuditEventEntityComponent entity, String type, String value) {
    entity.addDetail().setType(type).setValue(new StringType(value));
  }
}
