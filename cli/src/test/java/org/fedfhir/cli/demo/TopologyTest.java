package org.fedfhir.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyTest {
  static final List<String> CENTRES = List.of("cleveland", "hungarian", "switzerland", "va");

  static final Map<String, Integer> AUTH = Map.of("cleveland", 9101, "hungarian", 9102, "switzerland", 9103,
      "va", 9104);

  @Test
  void freePortsOfOneCallAreDistinctLoopbackPorts() {
    Topology t = Topology.onFreePorts(CENTRES, Path.of("/tmp/w"), true, true);
    List<Integer> all = new ArrayList<>(t.hospitalPorts().values());
    all.addAll(t.authPorts().values());
    all.add(t.aggregatorGrpcPort());
    all.add(t.aggregatorFhirPort());
    assertThat(all).hasSize(10).doesNotHaveDuplicates().allMatch(p -> p > 0 && p < 65536);
    assertThat(t.hospitalBase("va")).isEqualTo("http://localhost:" + t.hospitalPorts().get("va") + "/fhir");
  }

  @Test
  void argumentsFollowTheFederationContract() {
    Topology t = new Topology(CENTRES, Map.of("cleveland", 9001, "hungarian", 9002, "switzerland", 9003, "va", 9004),
        7443, 7444, Path.of("/w"), Path.of("/w/pki"), true, true, AUTH);
    assertThat(t.hospitalArgs("va")).containsExactly("hospital", "--port", "9004", "--name", "va", "--db",
        "/w/va/fhir", "--auth-port", "9104", "--auth-dir", "/w/va/auth", "--aggregator", "localhost:7443",
        "--pki", "/w/pki");
    assertThat(t.hospitalIssuer("va")).isEqualTo("http://localhost:9104");
    assertThat(t.aggregatorArgs()).containsExactly("aggregator", "--port", "7443", "--pki", "/w/pki", "--db",
        "/w/aggregator/aggregator", "--fhir-port", "7444");
    assertThat(t.aggregatorFhirBase()).isEqualTo("https://localhost:7444/fhir");
  }

  @Test
  void aHospitalOnAnotherHostReachesTheAggregatorByItsName() {
    Topology t = new Topology(CENTRES, Map.of("cleveland", 9001, "hungarian", 9002, "switzerland", 9003, "va", 9004),
        7443, 7444, Path.of("/w"), Path.of("/w/pki"), true, true, AUTH);
    assertThat(t.hospitalArgs("va", "aggregator.example.org:7443")).containsSequence("--aggregator",
        "aggregator.example.org:7443").doesNotContain("localhost:7443");
  }

  @Test
  void flagsTheBuildLacksAreLeftOut() {
    Topology t = new Topology(CENTRES, Map.of("cleveland", 9001, "hungarian", 9002, "switzerland", 9003, "va", 9004),
        7443, 7444, Path.of("/w"), Path.of("/w/pki"), false, false, AUTH);
    assertThat(t.hospitalArgs("cleveland")).doesNotContain("--aggregator", "--pki");
    assertThat(t.aggregatorArgs()).doesNotContain("--fhir-port");
    assertThat(t.aggregatorFhirBase()).isNull();
  }

  @Test
  void duplicatePortsAreRefused() {
    assertThatThrownBy(() -> new Topology(CENTRES,
        Map.of("cleveland", 9001, "hungarian", 9001, "switzerland", 9003, "va", 9004), 7443, 7444, Path.of("/w"),
        Path.of("/w/pki"), true, true, AUTH)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("distinct");
  }

  @Test
  void childJvmRunsTheCliMainClassWithTheSameClasspath() {
    assertThat(ChildJvmNode.command("/jdk", "a.jar:b.jar", List.of("hospital", "--port", "1")))
        .containsExactly("/jdk/bin/java", "-cp", "a.jar:b.jar", "org.fedfhir.cli.FedFhir", "hospital", "--port", "1");
  }

  @Test
  void childJvmOptionsComeBeforeTheMainClass() {
    assertThat(ChildJvmNode.command("/jdk", "a.jar", List.of("-Xmx512m"), List.of("tee")))
        .containsExactly("/jdk/bin/java", "-Xmx512m", "-cp", "a.jar", "org.fedfhir.cli.FedFhir", "tee");
  }
}
