package org.fedfhir.fhir.site;

import org.hl7.fhir.r4.model.AuditEvent;

/** Where the site's AuditEvents go (DAO-backed in {@code plugin}). */
public interface AuditTrail {

  /** Stores {@code event}. */
  void record(AuditEvent event);
}
