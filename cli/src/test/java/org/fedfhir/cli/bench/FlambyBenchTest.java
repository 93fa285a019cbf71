package org.fedfhir.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.fedfhir.cli.FedFhir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./fedfhir bench flamby} end to end on one seed of one row with few rounds: the real federation, in this JVM. */
class FlambyBenchTest {

  @Test
  void oneSeedOfPrivateFedAvgRunsThroughTheFederationAndReportsBesideFlamby(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("flamby.json");
    StringWriter printed = new StringWriter();
    CommandLine cli = new CommandLine(new FedFhir());
    cli.setOut(new PrintWriter(printed, true));
    int exit = cli.execute("bench", "flamby", "--seeds", "1", "--row", "fedavg-dp-1", "--rounds", "3", "--json",
        json.toString());
    String out = printed.toString();
    System.out.print(out);
    assertThat(exit).isZero();
    assertThat(out).contains("train/test cleveland 199/104, hungarian 172/89, switzerland 30/16, va 85/45, 13 features")
        .containsPattern("\\| FedAvg \\+ DP \\| 1 \\| 0\\.\\d{3} \\| 1 \\| 0\\.702 ± 0\\.044 \\| FedAvg \\+ DP-SGD");

    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("seeds")).hasSize(1);
    JsonNode row = root.get("rows").get(0);
    assertThat(root.get("rows")).hasSize(1);
    assertThat(row.get("strategy").asText()).isEqualTo("fedavg");
    assertThat(row.get("dpEpsilon").asDouble()).isEqualTo(1.0);
    assertThat(row.get("sdTestAccuracy").isNull()).isTrue(); // one seed has no spread
    assertThat(row.get("parameters").get("rounds").asInt()).isEqualTo(3);
    JsonNode seed = row.get("perSeed").get(0);
    assertThat(seed.get("seed").asInt()).isEqualTo(42);
    assertThat(seed.get("epsilonSpent").asDouble()).isCloseTo(1.0, within(1e-6));
    assertThat(seed.get("perCentre").size()).isEqualTo(4);
    double mean = 0;
    for (JsonNode centre : seed.get("perCentre")) {
      assertThat(centre.asDouble()).isBetween(0.0, 1.0);
      mean += centre.asDouble() / 4;
    }
    assertThat(row.get("meanTestAccuracy").asDouble()).isCloseTo(mean, within(1e-12));
    assertThat(row.get("flamby").get("meanTestAccuracy").asDouble()).isCloseTo(0.702, within(5e-4));
  }

  @Test
  void anUnknownRowIsRefusedNamingTheRows() {
    CommandLine cli = new CommandLine(new FedFhir());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    int exit = cli.execute("bench", "flamby", "--row", "fedsgd");
    assertThat(exit).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--row fedsgd; the rows are [fedavg, fedadagrad, newton");
  }
}
