package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.Collection;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import org.fedfhir.federation.ContributionLedger;
import org.fedfhir.fhir.audit.ContributionAudit;
import org.fedfhir.fhir.audit.SecureStatsAudit;
import org.hl7.fhir.r4.model.AuditEvent;

/**
 * The site's {@link ContributionLedger} in its own JPA store, as AuditEvents of subtype
 * {@value ContributionAudit#CONTRIBUTION} ({@link ContributionAudit}): what one training session
 * recorded holds every later session of the same study digest, across restarts of the server.
 */
public final class DaoContributionLedger implements ContributionLedger {
  private final DaoRegistry daos;
  private final String site;

  public DaoContributionLedger(DaoRegistry daos, String site) {
    this.daos = daos;
    this.site = site;
  }

  @Override
  public Map<String, Entry> entries(String study) {
    SearchParameterMap map = SearchParameterMap.newSynchronous()
        .add("subtype", new TokenParam(SecureStatsAudit.RELEASE_SYSTEM, ContributionAudit.CONTRIBUTION))
        .add("entity-name", new StringParam(study, true));
    map.setSort(new SortSpec("_lastUpdated"));
    return ContributionAudit.entries(daos.getResourceDao(AuditEvent.class)
        .searchForResources(map, new SystemRequestDetails()).stream()
        .map(ContributionAudit::contributionOf).flatMap(Optional::stream)
        .filter(c -> c.study().equals(study)).toList());
  }

  @Override
  public void record(String study, Collection<String> contributions, Entry entry) {
    daos.getResourceDao(AuditEvent.class).create(ContributionAudit.of(site, study, contributions, entry, new Date()),
        new SystemRequestDetails());
  }
}
