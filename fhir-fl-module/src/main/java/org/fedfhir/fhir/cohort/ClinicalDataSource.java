package org.fedfhir.fhir.cohort;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.fedfhir.study.Code;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/**
 * Where a site's clinical data comes from. Implementations read in bulk (one search per code or per
 * resource type, never one request per patient) and stream resources to the sink so memory stays
 * bounded.
 */
public interface ClinicalDataSource {
  List<Patient> patients();

  List<Consent> consents();

  /** Every Patient, streamed to {@code sink}; a large source never holds them all at once. */
  default void patients(Consumer<Patient> sink) {
    patients().forEach(sink);
  }

  /** Every Consent, streamed to {@code sink}; a large source never holds them all at once. */
  default void consents(Consumer<Consent> sink) {
    consents().forEach(sink);
  }

  /** Observations whose {@code code} or a {@code component.code} is {@code code}. */
  void observations(Code code, Consumer<Observation> sink);

  /** Conditions with one of the codes. */
  void conditions(Collection<Code> codes, Consumer<Condition> sink);

  /**
   * Every Observation and every Condition of the site, whatever its code: the patients' records (a
   * Kaplan–Meier follow-up without an event is censored at the patient's last one). One bulk pass per
   * resource type, Observations first; an implementation streams them page by page and never holds
   * the whole site in memory, so the caller keeps only what it needs (e.g. a date per patient).
   */
  void records(Consumer<Observation> observations, Consumer<Condition> conditions);
}
