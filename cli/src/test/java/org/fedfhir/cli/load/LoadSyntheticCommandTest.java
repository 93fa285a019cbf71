package org.fedfhir.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.fedfhir.cli.FedFhir;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadSyntheticCommandTest {

  @Test
  void aLoadThatCannotWriteAnythingIsRefusedBeforeAnyRequestWithTheBadValue() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new FedFhir()).setErr(new PrintWriter(err));
    String fhir = "http://127.0.0.1:9/fhir"; // nothing listens: a request would fail differently
    assertThat(cli.execute("load", "synthetic", "--patients", "0", "--fhir", fhir)).isEqualTo(2);
    assertThat(err.toString()).contains("--patients 0: need at least 1");
    assertThat(cli.execute("load", "synthetic", "--patients", "10", "--in-flight", "0", "--fhir", fhir)).isEqualTo(2);
    assertThat(err.toString()).contains("--per-bundle 20, --in-flight 0: each must be at least 1");
    assertThat(cli.execute("load", "heart-disease", "--centre", "va", "--per-bundle", "0", "--fhir", fhir))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--per-bundle 0, --in-flight 3: each must be at least 1");
  }
}
