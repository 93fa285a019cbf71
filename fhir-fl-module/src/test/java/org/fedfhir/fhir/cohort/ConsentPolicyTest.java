package org.fedfhir.fhir.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class ConsentPolicyTest {
  static Consent consent(String patient, Consent.ConsentState state, String system, String code,
      Consent.ConsentProvisionType type, long time) {
    Consent c = new Consent().setStatus(state).setPatient(new Reference("Patient/" + patient));
    c.addCategory().addCoding().setSystem(system).setCode(code);
    c.getProvision().setType(type);
    c.setDateTime(new Date(time));
    return c;
  }

  static Consent research(String patient, Consent.ConsentProvisionType type, long time) {
    return consent(patient, Consent.ConsentState.ACTIVE, ConsentPolicy.CATEGORY_CODES, "research", type, time);
  }

  @Test
  void activeResearchDenyExcludesThePatient() {
    assertThat(ConsentPolicy.deniedPatientIds(List.of(
        research("1", Consent.ConsentProvisionType.DENY, 0),
        consent("2", Consent.ConsentState.ACTIVE, ConsentPolicy.LOINC, "57016-8", Consent.ConsentProvisionType.DENY, 0),
        research("3", Consent.ConsentProvisionType.PERMIT, 0)))).containsExactlyInAnyOrder("1", "2");
  }

  @Test
  void inactiveOrNonResearchConsentsAreIgnored() {
    assertThat(ConsentPolicy.deniedPatientIds(List.of(
        consent("1", Consent.ConsentState.INACTIVE, ConsentPolicy.CATEGORY_CODES, "research",
            Consent.ConsentProvisionType.DENY, 0),
        consent("2", Consent.ConsentState.ACTIVE, "http://loinc.org", "59284-0", Consent.ConsentProvisionType.DENY,
            0)))).isEmpty();
  }

  @Test
  void mostRecentResearchConsentDecides() {
    assertThat(ConsentPolicy.deniedPatientIds(List.of(
        research("1", Consent.ConsentProvisionType.DENY, 1000),
        research("1", Consent.ConsentProvisionType.PERMIT, 2000),
        research("2", Consent.ConsentProvisionType.PERMIT, 1000),
        research("2", Consent.ConsentProvisionType.DENY, 2000)))).containsExactly("2");
  }
}
