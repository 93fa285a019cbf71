package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.fhir.study.Code;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/**
 * Reads the JPA store in bulk through the DAOs: one synchronous search per resource type or feature
 * code ({@code SearchParameterMap.newSynchronous}), never one request per patient. Observations are
 * found by {@code combo-code}, so components (systolic pressure in a blood-pressure panel) count.
 */
public final class DaoClinicalDataSource implements ClinicalDataSource {
  static final int MAX_ROWS = 5_000_000;
  private final DaoRegistry daos;

  public DaoClinicalDataSource(DaoRegistry daos) {
    this.daos = daos;
  }

  @Override
  public List<Patient> patients() {
    return daos.getResourceDao(Patient.class).searchForResources(all(), new SystemRequestDetails());
  }

  @Override
  public List<Consent> consents() {
    return daos.getResourceDao(Consent.class).searchForResources(all(), new SystemRequestDetails());
  }

  @Override
  public void observations(Code code, Consumer<Observation> sink) {
    SearchParameterMap map = all().add("combo-code", new TokenParam(code.system(), code.code()));
    daos.getResourceDao(Observation.class).searchForResources(map, new SystemRequestDetails()).forEach(sink);
  }

  @Override
  public void conditions(Collection<Code> codes, Consumer<Condition> sink) {
    TokenOrListParam or = new TokenOrListParam();
    codes.forEach(c -> or.addOr(new TokenParam(c.system(), c.code())));
    SearchParameterMap map = all().add(Condition.SP_CODE, or);
    daos.getResourceDao(Condition.class).searchForResources(map, new SystemRequestDetails()).forEach(sink);
  }

  private static SearchParameterMap all() {
    return SearchParameterMap.newSynchronous().setLoadSynchronousUpTo(MAX_ROWS);
  }
}
