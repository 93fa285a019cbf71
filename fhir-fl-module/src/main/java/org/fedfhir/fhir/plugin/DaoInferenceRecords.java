package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.fedfhir.fhir.cohort.ApprovalGate;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.fhir.inference.SiteRecords;
import org.fedfhir.fhir.inference.StudyCatalog;
import org.fedfhir.study.Code;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code $infer}'s view of the JPA store through the DAOs: studies by canonical, approvals, one
 * patient's data (synchronous searches restricted to the patient, {@code combo-code} for
 * Observations as in training) and storage of results and AuditEvents.
 */
public final class DaoInferenceRecords implements StudyCatalog, SiteRecords {
  private final DaoRegistry daos;

  public DaoInferenceRecords(DaoRegistry daos) {
    this.daos = daos;
  }

  @Override
  public List<PlanDefinition> find(String url, String version) {
    SearchParameterMap map = SearchParameterMap.newSynchronous(PlanDefinition.SP_URL, new UriParam(url));
    if (version != null) {
      map.add(PlanDefinition.SP_VERSION, new TokenParam(version));
    }
    return daos.getResourceDao(PlanDefinition.class).searchForResources(map, new SystemRequestDetails());
  }

  @Override
  public ApprovalGate.ApprovedDigests approvedDigests(String planDefinitionId) {
    return new DaoSiteStore(daos).approvedDigests(planDefinitionId);
  }

  @Override
  public ClinicalDataSource forPatient(String patientId) {
    String ref = "Patient/" + patientId;
    return new ClinicalDataSource() {
      @Override
      public List<Patient> patients() {
        try {
          return List.of(daos.getResourceDao(Patient.class).read(new IdType(ref), new SystemRequestDetails()));
        } catch (ResourceNotFoundException | ResourceGoneException e) {
          return List.of();
        }
      }

      @Override
      public List<Consent> consents() {
        SearchParameterMap map = SearchParameterMap.newSynchronous(Consent.SP_PATIENT, new ReferenceParam(ref));
        return daos.getResourceDao(Consent.class).searchForResources(map, new SystemRequestDetails());
      }

      @Override
      public void observations(Code code, Consumer<Observation> sink) {
        SearchParameterMap map = SearchParameterMap.newSynchronous(Observation.SP_SUBJECT, new ReferenceParam(ref))
            .add("combo-code", new TokenParam(code.system(), code.code()));
        daos.getResourceDao(Observation.class).searchForResources(map, new SystemRequestDetails()).forEach(sink);
      }

      @Override
      public void conditions(Collection<Code> codes, Consumer<Condition> sink) {
        TokenOrListParam or = new TokenOrListParam();
        codes.forEach(c -> or.addOr(new TokenParam(c.system(), c.code())));
        SearchParameterMap map = SearchParameterMap.newSynchronous(Condition.SP_SUBJECT, new ReferenceParam(ref))
            .add(Condition.SP_CODE, or);
        daos.getResourceDao(Condition.class).searchForResources(map, new SystemRequestDetails()).forEach(sink);
      }

      @Override
      public void records(Consumer<Observation> observations, Consumer<Condition> conditions) {
        daos.getResourceDao(Observation.class).searchForResources(SearchParameterMap.newSynchronous(
            Observation.SP_SUBJECT, new ReferenceParam(ref)), new SystemRequestDetails()).forEach(observations);
        daos.getResourceDao(Condition.class).searchForResources(SearchParameterMap.newSynchronous(
            Condition.SP_SUBJECT, new ReferenceParam(ref)), new SystemRequestDetails()).forEach(conditions);
      }
    };
  }

  @Override
  public org.fedfhir.fhir.inference.ModelPerformance modelPerformance(String planDefinitionId) {
    SearchParameterMap map = SearchParameterMap.newSynchronous(org.hl7.fhir.r4.model.Task.SP_FOCUS,
        new ReferenceParam("PlanDefinition/" + planDefinitionId));
    map.add(org.hl7.fhir.r4.model.Task.SP_STATUS, new TokenParam("completed"));
    return daos.getResourceDao(org.hl7.fhir.r4.model.Task.class).searchForResources(map, new SystemRequestDetails())
        .stream().max(java.util.Comparator.comparing(t -> t.getMeta().getLastUpdated()))
        .map(t -> new org.fedfhir.fhir.inference.ModelPerformance(output(t, "network-accuracy"), output(t, "auc")))
        .orElse(org.fedfhir.fhir.inference.ModelPerformance.UNKNOWN);
  }

  private static double output(org.hl7.fhir.r4.model.Task task, String code) {
    return task.getOutput().stream()
        .filter(o -> o.getType().hasCoding(org.fedfhir.study.StudyUrls.CS_TRAINING_OUTPUT, code))
        .filter(o -> o.getValue() instanceof org.hl7.fhir.r4.model.DecimalType)
        .mapToDouble(o -> ((org.hl7.fhir.r4.model.DecimalType) o.getValue()).getValue().doubleValue())
        .findFirst().orElse(Double.NaN);
  }

  @Override
  public java.util.Optional<List<String>> groupMembers(String groupId) {
    try {
      org.hl7.fhir.r4.model.Group group = daos.getResourceDao(org.hl7.fhir.r4.model.Group.class)
          .read(new IdType("Group", groupId), new SystemRequestDetails());
      return java.util.Optional.of(group.getMember().stream().map(m -> m.getEntity().getReferenceElement())
          .filter(r -> "Patient".equals(r.getResourceType())).map(r -> r.getIdPart()).toList());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return java.util.Optional.empty();
    }
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public String create(Resource resource) {
    ca.uhn.fhir.jpa.api.dao.IFhirResourceDao dao = daos.getResourceDao(resource.getClass());
    return dao.create(resource, new SystemRequestDetails()).getId().getIdPart();
  }

  @Override
  public void audit(AuditEvent event) {
    daos.getResourceDao(AuditEvent.class).create(event, new SystemRequestDetails());
  }
}
