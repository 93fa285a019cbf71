package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import ca.uhn.fhir.rest.param.TokenParam;
import org.fedfhir.fhir.audit.SecureStatsAudit;
import org.fedfhir.fhir.cohort.ApprovalGate;
import org.fedfhir.fhir.site.Approvals;
import org.fedfhir.fhir.site.AuditTrail;
import org.fedfhir.fhir.site.SiteStudies;
import org.fedfhir.fhir.site.StatisticsReleases;
import org.fedfhir.fhir.site.Tasks;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Task;

/**
 * The site's studies, approvals, Tasks and AuditEvents in the JPA store, through the DAOs as the
 * server itself ({@link SystemRequestDetails}): the callers' access was checked at the operation.
 */
public final class DaoSiteStore implements SiteStudies, Approvals, Tasks, AuditTrail, StatisticsReleases {
  private final DaoRegistry daos;

  public DaoSiteStore(DaoRegistry daos) {
    this.daos = daos;
  }

  @Override
  public Optional<PlanDefinition> byId(String planDefinitionId) {
    try {
      return Optional.of(daos.getResourceDao(PlanDefinition.class)
          .read(new IdType("PlanDefinition", planDefinitionId), new SystemRequestDetails()));
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return Optional.empty();
    }
  }

  @Override
  public ApprovalGate.ApprovedDigests approvedDigests(String planDefinitionId) {
    SearchParameterMap map = SearchParameterMap.newSynchronous("protocol",
        new ReferenceParam("PlanDefinition/" + planDefinitionId));
    List<ResearchStudy> approvals = daos.getResourceDao(ResearchStudy.class)
        .searchForResources(map, new SystemRequestDetails());
    return ApprovalGate.approvedDigests(planDefinitionId, approvals);
  }

  @Override
  public String create(Task task) {
    return daos.getResourceDao(Task.class).create(task, new SystemRequestDetails()).getId().getIdPart();
  }

  @Override
  public void update(String taskId, Consumer<Task> change) {
    IFhirResourceDao<Task> dao = daos.getResourceDao(Task.class);
    Task t = dao.read(new IdType("Task", taskId), new SystemRequestDetails());
    change.accept(t);
    dao.update(t, new SystemRequestDetails());
  }

  @Override
  public void record(AuditEvent event) {
    daos.getResourceDao(AuditEvent.class).create(event, new SystemRequestDetails());
  }

  @Override
  public List<SecureStatsAudit.Release> releases(String studyUrl) {
    SearchParameterMap map = SearchParameterMap.newSynchronous("subtype",
        new TokenParam(SecureStatsAudit.RELEASE_SYSTEM, SecureStatsAudit.RELEASE));
    return daos.getResourceDao(AuditEvent.class).searchForResources(map, new SystemRequestDetails()).stream()
        .map(SecureStatsAudit::releaseOf).flatMap(Optional::stream)
        .filter(r -> r.studyUrl().equals(studyUrl)).toList();
  }
}
