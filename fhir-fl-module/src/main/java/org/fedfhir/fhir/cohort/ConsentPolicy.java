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
    Denials denials = new Denials();
    consents.forEach(denials);
    return denials.patientIds();
  }

  /**
   * Takes Consents one at a time (as a source streams them) and keeps per patient only the date and
   * decision of the most recent research Consent, not the resources.
   */
  public static final class Denials implements java.util.function.Consumer<Consent> {
    private record Decision(Date time, boolean deny) {}

    private final Map<String, Decision> latest = new HashMap<>();

    @Override
    public void accept(Consent c) {
      if (c.getStatus() != Consent.ConsentState.ACTIVE || !isResearch(c) || !c.getPatient().hasReference()) {
        return;
      }
      Decision d = new Decision(time(c), c.getProvision().getType() == Consent.ConsentProvisionType.DENY);
      latest.merge(c.getPatient().getReferenceElement().getIdPart(), d, (a, b) -> b.time().after(a.time()) ? b : a);
    }

    /** Logical ids of the patients whose latest research Consent so far denies use. */
    public Set<String> patientIds() {
      Set<String> denied = new HashSet<>();
      latest.forEach((patient, d) -> {
        if (d.deny()) {
          denied.add(patient);
        }
      });
      return denied;
    }
  }

  private static boolean isResearch(Consent c) {
    return c.getCategory().stream().anyMatch(cc ->
        cc.hasCoding(LOINC, "57016-8") || cc.hasCoding(CATEGORY_CODES, "research"));
  }

  private static Date time(Consent c) {
    return c.getDateTime() == null ? new Date(Long.MIN_VALUE) : c.getDateTime();
  }
}
