package org.fedfhir.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.fedfhir.access.SmartScope.Context;
import org.fedfhir.access.SmartScope.Permission;
import org.junit.jupiter.api.Test;

class SmartScopeTest {

  @Test
  void v2ScopesGrantExactlyTheirLetters() {
    SmartScope s = SmartScope.parse("patient/Observation.rs").orElseThrow();
    assertThat(s.allows(Context.PATIENT, "Observation", Permission.READ)).isTrue();
    assertThat(s.allows(Context.PATIENT, "Observation", Permission.SEARCH)).isTrue();
    assertThat(s.allows(Context.PATIENT, "Observation", Permission.CREATE)).isFalse();
    assertThat(s.allows(Context.PATIENT, "Condition", Permission.READ)).isFalse();
    assertThat(s.allows(Context.USER, "Observation", Permission.READ)).isFalse();
    assertThat(s).hasToString("patient/Observation.rs");
  }

  @Test
  void v1ScopesMapAsTheSpecificationSays() {
    assertThat(SmartScope.parse("user/*.read").orElseThrow().permissions())
        .containsExactlyInAnyOrder(Permission.READ, Permission.SEARCH);
    assertThat(SmartScope.parse("patient/RiskAssessment.write").orElseThrow().permissions())
        .containsExactlyInAnyOrder(Permission.CREATE, Permission.UPDATE, Permission.DELETE);
    assertThat(SmartScope.parse("system/*.*").orElseThrow().allows(Context.SYSTEM, "Patient", Permission.DELETE))
        .isTrue();
  }

  @Test
  void nonResourceAndMalformedScopesGrantNothing() {
    assertThat(SmartScope.parse("openid")).isEmpty();
    assertThat(SmartScope.parse("launch/patient")).isEmpty();
    assertThat(SmartScope.parse("patient/Observation.rs?category=laboratory")).isEmpty();
    assertThat(SmartScope.parse("patient/Observation.sr")).isEmpty();
    assertThat(SmartScope.parse("admin/*.rs")).isEmpty();
  }
}
