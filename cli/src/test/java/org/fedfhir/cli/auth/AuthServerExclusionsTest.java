package org.fedfhir.cli.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.fedfhir.auth.AuthServer;
import org.fedfhir.fhir.server.HospitalServerApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The hospital server shares the command line's classpath with the auth server: it must exclude its security auto-configurations. */
class AuthServerExclusionsTest {
  @Test
  void hospitalServerExcludesEveryAutoConfigurationTheAuthServerAsksOthersToExclude() {
    String[] excluded = HospitalServerApplication.class.getAnnotation(SpringBootApplication.class).excludeName();
    assertThat(excluded).containsExactlyInAnyOrder(
        Arrays.stream(AuthServer.AUTO_CONFIGURATIONS_TO_EXCLUDE_ELSEWHERE).map(Class::getName).toArray(String[]::new));
  }
}
