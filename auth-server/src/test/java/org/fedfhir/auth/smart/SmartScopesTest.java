package org.fedfhir.auth.smart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmartScopesTest {
  @Test
  void acceptsV2V1AndContextScopesAndRejectsMalformedOnes() {
    assertThat(List.of("patient/Observation.rs", "user/*.rs", "system/*.rs", "patient/RiskAssessment.c",
        "launch", "launch/patient", "openid", "fhirUser", "offline_access", "online_access",
        "patient/Observation.read", "user/*.write", "user/*.*",
        "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory"))
        .allMatch(SmartScopes::isValid);
    assertThat(List.of("patient/Observation.sr", "patient/Observation.", "admin/*.rs", "patient/observation.rs",
        "launch/everything", "patient/Observation.read?x=1", ""))
        .noneMatch(SmartScopes::isValid);
  }

  @Test
  void aWildcardRegistrationCoversEveryTypeWithASubsetOfItsPermissions() {
    assertThat(SmartScopes.covers("user/*.rs", "user/Observation.r")).isTrue();
    assertThat(SmartScopes.covers("user/*.rs", "user/Patient.read")).isTrue();
    assertThat(SmartScopes.covers("user/*.rs", "user/Patient.c")).isFalse();
    assertThat(SmartScopes.covers("user/*.rs", "patient/Patient.rs")).isFalse();
    assertThat(SmartScopes.covers("patient/Observation.rs", "patient/*.rs")).isFalse();
    assertThat(SmartScopes.covers("patient/*.*", "patient/RiskAssessment.cruds")).isTrue();
    assertThat(SmartScopes.covers("patient/Observation.read", "patient/Observation.rs")).isTrue();
  }

  @Test
  void aQuerySuffixedRegistrationCoversOnlyTheSameQuery() {
    String lab = "patient/Observation.rs?category=laboratory";
    assertThat(SmartScopes.covers(lab, "patient/Observation.r?category=laboratory")).isTrue();
    assertThat(SmartScopes.covers(lab, "patient/Observation.rs")).isFalse();
    assertThat(SmartScopes.covers("patient/Observation.rs", lab)).isTrue();
  }

  @Test
  void everyRequestedScopeMustBeCovered() {
    List<String> registered = List.of("launch", "openid", "patient/*.rs");
    assertThat(SmartScopes.allowed(registered, List.of("launch", "patient/Observation.rs"))).isTrue();
    assertThat(SmartScopes.allowed(registered, List.of("launch", "offline_access"))).isFalse();
  }
}
