package org.fedfhir.cli.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.fedfhir.auth.AuthServer;
import org.fedfhir.fhir.server.HospitalServerApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The hospital server shares the command line's classpath with the auth server: it configures its own
 * security, and must keep the authorisation server's and the default user store's auto-configurations out.
 */
class AuthServerExclusionsTest {
  @Test
  void hospitalServerExcludesEveryAutoConfigurationTheAuthServerAsksOthersToExclude() {
    String[] excluded = HospitalServerApplication.class.getAnnotation(SpringBootApplication.class).excludeName();
    assertThat(excluded).contains(Arrays.stream(AuthServer.AUTO_CONFIGURATIONS_TO_EXCLUDE_ELSEWHERE)
        .map(Class::getName).filter(n -> n.contains("AuthorizationServer") || n.contains("UserDetails"))
        .toArray(String[]::new));
  }
}
