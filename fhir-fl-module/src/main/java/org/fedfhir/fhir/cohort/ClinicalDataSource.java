package org.fedfhir.fhir.cohort;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.fedfhir.fhir.study.Code;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;

/**
 * Where a site's clinical data comes from. Implementations read in bulk (one search per code, never
 * one request per patient) and stream resources to the sink so memory stays bounded.
 */
public interface ClinicalDataSource {
  List<Patient> patients();

  List<Consent> consents();

  /** Observations whose {@code code} or a {@code component.code} is {@code code}. */
  void observations(Code code, Consumer<Observation> sink);

  /** Conditions with one of the codes. */
  void conditions(Collection<Code> codes, Consumer<Condition> sink);
}
