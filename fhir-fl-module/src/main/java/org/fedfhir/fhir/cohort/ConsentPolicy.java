package org.fedfhir.fhir.cohort;

import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Consent;

/**
 * Opt-out consent for research: a patient is excluded if their most recent active research
 * {@code Consent} (category LOINC 57016-8 or consentcategorycodes#research) has
 * {@code provision.type = deny}. No such Consent means included.
 */
public final class ConsentPolicy {
  static final String LOINC = "http://loinc.org";
  static final String CATEGORY_CODES = "http://terminology.hl7.org/CodeSystem/consentcategorycodes";

  private ConsentPolicy() {}

  /** Logical ids of the patients whose research consent denies use. */
  public static Set<String> deniedPatientIds(Collection<Consent> consents) {
    Map<String, Consent> latest = new HashMap<>();
    for (Consent c : consents) {
      if (c.getStatus() != Consent.ConsentState.ACTIVE || !isResearch(c) || !c.getPatient().hasReference()) {
        continue;
      }
      String patient = c.getPatient().getReferenceElement().getIdPart();
      latest.merge(patient, c, (a, b) -> time(b).after(time(a)) ? b : a);
    }
    Set<String> denied = new HashSet<>();
    latest.forEach((patient, c) -> {
      if (c.getProvision().getType() == Consent.ConsentProvisionType.DENY) {
        denied.add(patient);
      }
    });
    return denied;
  }

  private static boolean isResearch(Consent c) {
    return c.getCategory().stream().anyMatch(cc ->
        cc.hasCoding(LOINC, "57016-8") || cc.hasCoding(CATEGORY_CODES, "research"));
  }

  private static Date time(Consent c) {
    return c.getDateTime() == null ? new Date(Long.MIN_VALUE) : c.getDateTime();
  }
}
