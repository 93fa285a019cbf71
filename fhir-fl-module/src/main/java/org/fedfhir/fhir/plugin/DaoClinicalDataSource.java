package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.study.Code;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/**
 * Reads the JPA store in bulk: one read per resource type or feature code, never one request per
 * patient. Observations are found by {@code combo-code}, so components (systolic pressure in a
 * blood-pressure panel) count. The streaming reads ({@link #patients(Consumer)},
 * {@link #consents(Consumer)}, {@link #observations}, {@link #conditions}, {@link #records}) go through a
 * {@link JpaResourceReader}: keyset pages over HAPI's resource and token-index tables in database-id
 * order, each page's current versions read by one SQL query in a read-only transaction and parsed as
 * HAPI's loader parses them (HAPI's loader itself for what is not inline JSON), so only a few pages are
 * ever in memory; the list reads ({@link #patients()}, {@link #consents()}) are DAO searches that hold the whole
 * result.
 */
public final class DaoClinicalDataSource implements ClinicalDataSource {
  static final int MAX_ROWS = 5_000_000;
  private final DaoRegistry daos;
  private final JpaResourceReader reader;

  public DaoClinicalDataSource(DaoRegistry daos, JpaResourceReader reader) {
    this.daos = daos;
    this.reader = reader;
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
    reader.all(Patient.class, "Patient", sink);
  }

  @Override
  public void consents(Consumer<Consent> sink) {
    reader.all(Consent.class, "Consent", sink);
  }

  @Override
  public void observations(Code code, Consumer<Observation> sink) {
    reader.withToken(Observation.class, "Observation", "combo-code", List.of(code), sink);
  }

  @Override
  public void conditions(Collection<Code> codes, Consumer<Condition> sink) {
    reader.withToken(Condition.class, "Condition", Condition.SP_CODE, codes, sink);
  }

  @Override
  public void records(Consumer<Observation> observations, Consumer<Condition> conditions) {
    reader.all(Observation.class, "Observation", observations);
    reader.all(Condition.class, "Condition", conditions);
  }

  private static SearchParameterMap all() {
    return SearchParameterMap.newSynchronous().setLoadSynchronousUpTo(MAX_ROWS);
  }
}
