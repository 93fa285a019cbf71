package org.fedfhir.fhir.site;

import java.util.List;
import org.fedfhir.fhir.audit.SecureStatsAudit;

/**
 * What a site has released of each statistics study, read from its audit trail: the AuditEvents
 * of subtype {@value SecureStatsAudit#RELEASE} it records as it computes its statistics for a
 * STATISTICS round (DAO-backed in {@code plugin}, so the record survives a restart and an auditor
 * reads it with the rest of the trail). A release names the study and the ε it spent, never a value.
 */
public interface StatisticsReleases {

  /** This site's releases of the study with canonical url {@code studyUrl}, every version. */
  List<SecureStatsAudit.Release> releases(String studyUrl);
}
