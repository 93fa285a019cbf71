package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.SearchTotalModeEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.study.Code;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/**
 * Reads the JPA store in bulk through the DAOs: one search per resource type or feature code, never
 * one request per patient. Observations are found by {@code combo-code}, so components (systolic
 * pressure in a blood-pressure panel) count. The streaming reads ({@link #patients(Consumer)},
 * {@link #consents(Consumer)}, {@link #observations}, {@link #conditions}, {@link #records}) page
 * with offset searches in the order of the resources' database ids ({@code _sort=_pid}),
 * {@value #PAGE} resources at a time, so only one page is ever in memory; the list reads
 * ({@link #patients()}, {@link #consents()}) hold the whole result.
 */
public final class DaoClinicalDataSource implements ClinicalDataSource {
  static final int MAX_ROWS = 5_000_000;
  static final int PAGE = 1_000;
  private final DaoRegistry daos;
  private final int page;

  public DaoClinicalDataSource(DaoRegistry daos) {
    this(daos, PAGE);
  }

  /** With {@code page} resources per offset search in {@link #records} (tests: several pages). */
  DaoClinicalDataSource(DaoRegistry daos, int page) {
    if (page < 1) {
      throw new IllegalArgumentException("page " + page + ": need at least 1");
    }
    this.daos = daos;
    this.page = page;
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
  public void patients(Consumer<Patient> sink) {
    paged(Patient.class, map -> {}, sink);
  }

  @Override
  public void consents(Consumer<Consent> sink) {
    paged(Consent.class, map -> {}, sink);
  }

  @Override
  public void observations(Code code, Consumer<Observation> sink) {
    paged(Observation.class, map -> map.add("combo-code", new TokenParam(code.system(), code.code())), sink);
  }

  @Override
  public void conditions(Collection<Code> codes, Consumer<Condition> sink) {
    TokenOrListParam or = new TokenOrListParam();
    codes.forEach(c -> or.addOr(new TokenParam(c.system(), c.code())));
    paged(Condition.class, map -> map.add(Condition.SP_CODE, or), sink);
  }

  @Override
  public void records(Consumer<Observation> observations, Consumer<Condition> conditions) {
    paged(Observation.class, map -> {}, observations);
    paged(Condition.class, map -> {}, conditions);
  }

  /**
   * Every resource of the type that the search {@code criteria} add match, one offset search per
   * page in database-id order; a page shorter than {@link #page} is the last. Only one page is in
   * memory at a time.
   */
  private <T extends IBaseResource> void paged(Class<T> type, Consumer<SearchParameterMap> criteria,
      Consumer<T> sink) {
    IFhirResourceDao<T> dao = daos.getResourceDao(type);
    for (int offset = 0; ; offset += page) {
      SearchParameterMap map = new SearchParameterMap();
      criteria.accept(map);
      map.setOffset(offset);
      map.setCount(page);
      map.setSort(new SortSpec(Constants.PARAM_PID));
      map.setSearchTotalMode(SearchTotalModeEnum.NONE);
      List<T> resources = dao.searchForResources(map, new SystemRequestDetails());
      resources.forEach(sink);
      if (resources.size() < page) {
        return;
      }
    }
  }

  private static SearchParameterMap all() {
    return SearchParameterMap.newSynchronous().setLoadSynchronousUpTo(MAX_ROWS);
  }
}
