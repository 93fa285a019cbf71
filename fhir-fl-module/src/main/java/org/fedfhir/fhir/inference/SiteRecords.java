package org.fedfhir.fhir.inference;

import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Resource;

/** The site's FHIR store as {@code $infer} uses it (DAO-backed in {@code plugin}). */
public interface SiteRecords {

  /** One patient's data: the Patient, their Consents, Observations and Conditions (none if unknown). */
  ClinicalDataSource forPatient(String patientId);

  /**
   * The patients of a Group, in its order (members that are not Patients left out), or empty if there
   * is no such Group.
   */
  default java.util.Optional<java.util.List<String>> groupMembers(String groupId) {
    return java.util.Optional.empty();
  }

  /** What the site's latest completed TrainingTask of the study says of its model's performance. */
  default ModelPerformance modelPerformance(String planDefinitionId) {
    return ModelPerformance.UNKNOWN;
  }

  /** Stores a new resource; returns its logical id. */
  String create(Resource resource);

  /** Stores an AuditEvent. */
  void audit(AuditEvent event);
}
