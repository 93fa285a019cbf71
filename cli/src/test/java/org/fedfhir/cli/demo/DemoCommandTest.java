package org.fedfhir.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.fedfhir.cli.FedFhir;
import org.fedfhir.cli.hospital.HospitalCommand;
import org.fedfhir.federation.Strategy;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {

  private static DemoCommand parse(String... args) {
    DemoCommand c = new DemoCommand();
    new CommandLine(c).parseArgs(args);
    return c;
  }

  @Test
  void defaultsAreContextIsolationTwentyRoundsAndReportsDemo() {
    DemoRun.Settings s = parse().settings();
    assertThat(s.reportDir()).isEqualTo(Path.of("reports/demo"));
    assertThat(s.rounds()).isEqualTo(20);
    assertThat(s.isolation()).isEqualTo(DemoNetwork.Isolation.CONTEXT);
    assertThat(s.serverOptimiser()).isEqualTo(Strategy.FEDADAGRAD);
    assertThat(s.keepRunning()).isFalse();
    assertThat(s.workDir()).isNull();
  }

  @Test
  void optionsAreRead() {
    DemoRun.Settings s = parse("--report-dir", "out", "--rounds", "5", "--isolation", "process", "--keep-running",
        "--server-optimiser", "fedyogi").settings();
    assertThat(s.reportDir()).isEqualTo(Path.of("out"));
    assertThat(s.rounds()).isEqualTo(5);
    assertThat(s.isolation()).isEqualTo(DemoNetwork.Isolation.PROCESS);
    assertThat(s.keepRunning()).isTrue();
    assertThat(s.serverOptimiser()).isEqualTo(Strategy.FEDYOGI);
  }

  @Test
  void badValuesAreUsageErrorsNamingTheAllowedOnes() {
    assertThatThrownBy(() -> parse("--rounds", "0").settings()).hasMessageContaining("--rounds 0 must be ≥ 1");
    assertThatThrownBy(() -> parse("--isolation", "vm").settings()).hasMessageContaining("context | process");
    assertThatThrownBy(() -> parse("--server-optimiser", "sgd").settings()).hasMessageContaining("fedadagrad");
  }

  @Test
  void isASubcommandOfFedfhir() {
    assertThat(new CommandLine(new FedFhir()).getSubcommands()).containsKey("demo");
  }

  @Test
  void detectsWhichFlagsTheBuildHas() {
    assertThat(DemoCommand.hasOptions(new HospitalCommand(), "--port", "--name")).isTrue();
    assertThat(DemoCommand.hasOptions(new HospitalCommand(), "--no-such-flag")).isFalse();
  }
}
