package org.fedfhir.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  static final List<String> CENTRES = List.of("cleveland", "hungarian", "switzerland", "va");

  static DemoReport report() {
    StrategyResult local = new StrategyResult("local only", "local", false, StrategyResult.Outcome.COMPLETED, null,
        Map.of("cleveland", 0.75, "hungarian", 0.85, "switzerland", 0.9, "va", 0.7), List.of());
    StrategyResult fedavg = new StrategyResult("FedAvg", "fedavg", true, StrategyResult.Outcome.COMPLETED, null,
        Map.of("cleveland", 0.8, "hungarian", 0.8, "switzerland", 0.8, "va", 0.8),
        List.of(new StrategyResult.RoundPoint(1, 0.70), new StrategyResult.RoundPoint(2, 0.78)));
    StrategyResult newton = StrategyResult.notRun("Newton", "newton", true,
        "federated training is not available: cleveland answered HTTP 501 needs an aggregator");
    Map<String, Double> phases = new LinkedHashMap<>();
    phases.put("start", 30.0);
    phases.put("load", 10.0);
    return new DemoReport(Instant.parse("2026-11-23T19:00:00Z"), CENTRES, List.of(local, fedavg, newton),
        Map.of("cleveland", 0.7, "hungarian", 0.8, "switzerland", 0.7, "va", 0.8), FlambyResults.load(), phases,
        Map.of("rounds", 2));
  }

  @Test
  void tableShowsEveryStrategyPooledAndFlambyAndNeverInventsFiguresForOneNotRun() {
    String table = ReportWriter.table(report());
    assertThat(table).contains("local only", "FedAvg", "pooled (reference, rows pooled)", "FLamby published: pooled");
    String newtonLine = table.lines().filter(l -> l.startsWith("Newton")).findFirst().orElseThrow();
    assertThat(newtonLine).contains("not run").doesNotContainPattern("0\\.\\d{3}");
    String localLine = table.lines().filter(l -> l.startsWith("local only")).findFirst().orElseThrow();
    assertThat(localLine).contains("0.750", "0.850", "0.900", "0.700", "0.800"); // mean (0.75+0.85+0.9+0.7)/4
    assertThat(table).contains("0.735"); // FLamby pooled mean
  }

  @Test
  void jsonHasTheFieldsOfIssueFiveWithNullForWhatWasNotMeasured() throws Exception {
    JsonNode root = new ObjectMapper().readTree(ReportWriter.jsonText(report()));
    JsonNode strategies = root.get("strategies");
    assertThat(strategies).hasSize(3);
    JsonNode fedavg = strategies.get(1);
    assertThat(fedavg.get("name").asText()).isEqualTo("FedAvg");
    assertThat(fedavg.get("secureAggregation").asBoolean()).isTrue();
    assertThat(fedavg.get("meanTestAccuracy").asDouble()).isEqualTo(0.8);
    assertThat(fedavg.get("perCentre").get("va").asDouble()).isEqualTo(0.8);
    assertThat(fedavg.get("rounds").get(1).get("networkAccuracy").asDouble()).isEqualTo(0.78);
    assertThat(strategies.get(0).get("secureAggregation").asBoolean()).isFalse();
    JsonNode newton = strategies.get(2);
    assertThat(newton.get("status").asText()).isEqualTo("not-run");
    assertThat(newton.get("meanTestAccuracy").isNull()).isTrue();
    assertThat(newton.get("reason").asText()).contains("501");
    assertThat(root.get("pooledMeanTestAccuracy").asDouble()).isEqualTo(0.75);
    assertThat(root.get("flamby").get("pooledMeanTestAccuracy").asDouble()).isBetween(0.735, 0.736);
    assertThat(root.get("timingsSeconds").get("start").asDouble()).isEqualTo(30.0);
    assertThat(root.get("totalSeconds").asDouble()).isEqualTo(40.0);
  }

  @Test
  void htmlIsSelfContainedWithOneCurvePerStrategyThatReportedRounds(@TempDir Path dir) throws Exception {
    List<Path> files = ReportWriter.write(report(), dir);
    String html = Files.readString(files.get(1));
    assertThat(html).contains("<svg", "FedAvg", "pooled (demo)").doesNotContain("<script", "src=\"http");
    assertThat(html.split("<polyline", -1)).hasSize(2); // FedAvg only: Newton did not run, local has no rounds
    assertThat(Files.readString(files.get(0))).contains("\"pooledMeanTestAccuracy\"");
  }

  @Test
  void phasesAddUpToTheTotal() {
    assertThat(ReportWriter.phases(report())).contains("start", "75 %", "total", "40.0 s").doesNotContain("CPU");
  }

  @Test
  void phasesShowTheCpuSecondsOfEachBesideItsWallClockSeconds() {
    DemoReport r = report();
    DemoReport withCpu = new DemoReport(r.startedAt(), r.centres(), r.strategies(), r.pooledPerCentre(), r.flamby(),
        r.phases(), Map.of(ReportWriter.CPU_SECONDS_PER_PHASE, Map.of("start", 45.5, "load", 12.0)));
    String phases = ReportWriter.phases(withCpu);
    String start = phases.lines().filter(l -> l.trim().startsWith("start")).findFirst().orElseThrow();
    assertThat(start).contains("30.0 s", "75 %", "45.5 CPU-s");
    String total = phases.lines().filter(l -> l.trim().startsWith("total")).findFirst().orElseThrow();
    assertThat(total).contains("40.0 s", "57.5 CPU-s");
  }
}
