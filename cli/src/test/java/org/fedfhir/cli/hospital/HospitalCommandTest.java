package org.fedfhir.cli.hospital;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.fedfhir.cli.FedFhir;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code ./fedfhir hospital} refuses before it starts anything. */
class HospitalCommandTest {

  static String refusal(String... args) {
    StringWriter err = new StringWriter();
    int code = new CommandLine(new FedFhir()).setErr(new PrintWriter(err)).execute(args);
    assertThat(code).as("exit code of " + String.join(" ", args)).isEqualTo(2);
    return err.toString();
  }

  @Test
  void plainHttpOnARoutableAddressIsRefusedUnlessAskedFor() {
    assertThat(refusal("hospital", "--name", "x", "--oauth-issuer", "https://keycloak.hospital.example/realms/fhir",
        "--bind", "0.0.0.0")).contains("refusing to serve plain HTTP on routable address 0.0.0.0", "--insecure-http");
  }

  @Test
  void aDatabasePasswordIsNeverAnArgument() {
    assertThat(refusal("hospital", "--name", "x", "--db-password", "secret")).contains("Unknown option");
  }
}
