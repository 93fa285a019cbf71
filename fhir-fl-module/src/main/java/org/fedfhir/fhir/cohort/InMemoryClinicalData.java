package org.fedfhir.fhir.cohort;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.fedfhir.study.Code;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/** A {@link ClinicalDataSource} over lists of resources (tests, small files). */
public final class InMemoryClinicalData implements ClinicalDataSource {
  private final List<Patient> patients = new ArrayList<>();
  private final List<Consent> consents = new ArrayList<>();
  private final List<Observation> observations = new ArrayList<>();
  private final List<Condition> conditions = new ArrayList<>();

  /**
   * The Patients, Observations and Conditions of a transaction bundle whose entries have
   * {@code urn:uuid:} full URLs (as {@code loader.HeartDiseaseFhir} writes them), as a server stores
   * them: each resource gets its UUID as id, and subject references point at {@code Patient/{id}}.
   */
  public static InMemoryClinicalData ofTransaction(Bundle bundle) {
    InMemoryClinicalData data = new InMemoryClinicalData();
    for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
      String id = e.getFullUrl().substring("urn:uuid:".length());
      if (e.getResource() instanceof Patient p) {
        p.setId("Patient/" + id);
        data.add(p);
      } else if (e.getResource() instanceof Observation o) {
        o.setId(id);
        o.setSubject(stored(o.getSubject()));
        data.add(o);
      } else if (e.getResource() instanceof Condition c) {
        c.setId(id);
        c.setSubject(stored(c.getSubject()));
        data.add(c);
      }
    }
    return data;
  }

  private static Reference stored(Reference bundleReference) {
    return new Reference("Patient/" + bundleReference.getReference().substring("urn:uuid:".length()));
  }

  public InMemoryClinicalData add(Patient p) {
    patients.add(p);
    return this;
  }

  public InMemoryClinicalData add(Consent c) {
    consents.add(c);
    return this;
  }

  public InMemoryClinicalData add(Observation o) {
    observations.add(o);
    return this;
  }

  public InMemoryClinicalData add(Condition c) {
    conditions.add(c);
    return this;
  }

  @Override
  public List<Patient> patients() {
    return List.copyOf(patients);
  }

  @Override
  public List<Consent> consents() {
    return List.copyOf(consents);
  }

  @Override
  public void observations(Code code, Consumer<Observation> sink) {
    for (Observation o : observations) {
      boolean match = has(o.getCode(), code)
          || o.getComponent().stream().anyMatch(c -> has(c.getCode(), code));
      if (match) {
        sink.accept(o);
      }
    }
  }

  @Override
  public void conditions(Collection<Code> codes, Consumer<Condition> sink) {
    for (Condition c : conditions) {
      if (codes.stream().anyMatch(code -> has(c.getCode(), code))) {
        sink.accept(c);
      }
    }
  }

  @Override
  public void records(Consumer<Observation> observationSink, Consumer<Condition> conditionSink) {
    observations.forEach(observationSink);
    conditions.forEach(conditionSink);
  }

  private static boolean has(CodeableConcept cc, Code code) {
    return cc.hasCoding(code.system(), code.code());
  }
}
