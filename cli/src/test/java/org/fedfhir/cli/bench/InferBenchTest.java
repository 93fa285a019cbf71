package org.fedfhir.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The infer harness's table and JSON on plain figures (no TEE, no timing). */
class InferBenchTest {

  static Map<String, Object> figures() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("requests", 100);
    f.put("concurrency", 2);
    f.put("patients", 920);
    f.put("features", 10);
    f.put("teeP50Millis", 5.0);
    f.put("teeP99Millis", 15.5);
    f.put("teeMeanMillis", 6.0);
    f.put("teeRequestsPerSecond", 330.0);
    f.put("teeModelCallP50Millis", 4.8);
    f.put("directP50Millis", 0.125);
    f.put("directP99Millis", 4.0);
    f.put("directMeanMillis", 0.3);
    f.put("directRequestsPerSecond", 6000.0);
    f.put("extractPredictP50Millis", 0.025);
    f.put("ratioP50", 40.0);
    f.put("ratioP50VsExtractPredict", 200.0);
    f.put("sealOpenP50Millis", 0.37);
    f.put("provisionMillis", 230.0);
    f.put("firstTeeCallMillis", 40.0);
    f.put("maxAbsDifference", 0.0);
    f.put("mismatches", 0);
    return f;
  }

  @Test
  void tablePrintsBothPathsAndTheRatio() {
    String table = InferBench.table(figures());
    assertThat(table).contains("| path | p50 ms | p99 ms | mean ms | requests/s | model call p50 ms |")
        .contains("| 5.000 | 15.500 | 6.000 | 330 | 4.8000 |")
        .contains("| 0.125 | 4.000 | 0.300 | 6,000 |")
        .contains("ratio TEE / direct at p50: 40.00×")
        .contains("0 differ by more than 1e-9");
  }

  @Test
  void tableStatesTheGapToDirectTheTeeBatchThroughputAndTheHttpBatch() {
    Map<String, Object> f = figures();
    f.put("teeMinusDirectP50Millis", 0.875);
    f.put("teeBatchSize", 100);
    f.put("teeBatchCalls", 200);
    f.put("teeBatchPatientsPerSecond", 12345.6);
    f.put("teeBatchCallP50Millis", 7.5);
    f.put("teeBatchCallP99Millis", 20.25);
    f.put("teeBatchMismatches", 0);
    InferBench.batchFigures(f, "http", 300, 1000.0, 6000.0, 0);

    assertThat(InferBench.table(f)).contains("TEE p50 − direct p50: 0.875 ms (goal ≤ 1 ms)")
        .contains("100 patients sealed per call, 200 calls by 2 callers", "12,346 patients/s (goal ≥ 10,000)",
            "call p50 7.500 ms, p99 20.250 ms; 0 answers differ");
    assertThat(HospitalHttpBatch.table(f)).contains("300 patients over HTTP")
        .contains("| one $infer-batch call | 1,000.0 | 300 |", "| 300 single $infer calls | 6,000.0 | 50 |");
    assertThat(BenchJson.write(f)).contains("\"teeBatchPatientsPerSecond\": 12345.6,",
        "\"httpBatchPatientsPerSecond\": 300.0,", "\"httpSinglesMillis\": 6000.0,");
  }

  @Test
  void jsonHoldsTheIssuesKeysAsNumbers() {
    String json = BenchJson.write(figures());
    assertThat(json).startsWith("{\n").endsWith("}\n")
        .contains("\"teeP50Millis\": 5.0,", "\"teeP99Millis\": 15.5,", "\"directP50Millis\": 0.125,",
            "\"teeRequestsPerSecond\": 330.0,", "\"requests\": 100,", "\"mismatches\": 0\n");
  }

  @Test
  void nonFiniteNumbersAndStringsStayValidJson() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("nan", Double.NaN);
    f.put("text", "a \"quoted\"\nline");
    f.put("small", 6.3e-10);
    assertThat(BenchJson.write(f)).isEqualTo("{\n  \"nan\": null,\n  \"text\": \"a \\\"quoted\\\"\\nline\",\n"
        + "  \"small\": 6.3e-10\n}\n");
  }

  @Test
  void percentilesAreNearestRank() {
    double[] sorted = new double[100];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = i + 1;
    }
    assertThat(BenchJson.percentile(sorted, 50)).isEqualTo(50);
    assertThat(BenchJson.percentile(sorted, 99)).isEqualTo(99);
    assertThat(BenchJson.median(java.util.List.of(3.0, 1.0, 2.0, 10.0))).isEqualTo(2.5);
  }
}
