package org.fedfhir.tee.cleanroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two example programs (src/main/cleanroom) over the UCI heart-disease centres' pooled rows. */
public class ExampleProgramsTest {

  private final WasmSandbox sandbox = new WasmSandbox(SandboxLimits.DEFAULT.withWallTime(Duration.ofSeconds(60)));

  /** An example program's committed module (src/main/resources/cleanroom). */
  public static byte[] example(String name) {
    return WasmSandboxTest.fixture(name);
  }


  private static Map<String, Double> byName(List<ResultRecord> records, int group) {
    return records.stream().filter(r -> r.group() == group)
        .collect(Collectors.toMap(ResultRecord::name, ResultRecord::value));
  }

  /** R's type 7 quantile (numpy's default), the definition median.c documents. */
  private static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) h;
    return lo + 1 >= sorted.length ? sorted[sorted.length - 1] : sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
  }

  private static double[] cholesterol(RowTable pooled, int diagnosis) {
    List<Double> values = new ArrayList<>();
    int chol = pooled.columns().indexOf("chol");
    int dx = pooled.columns().indexOf("label");
    for (int i = 0; i < pooled.rows(); i++) {
      double v = pooled.value(i, chol);
      if (!Double.isNaN(v) && (diagnosis < 0 || pooled.value(i, dx) == diagnosis)) {
        values.add(v);
      }
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return sorted;
  }

  @Test
  void medianAndQuartilesOfCholesterolByDiagnosisEqualThePooledComputationExactly() throws Exception {
    RowTable pooled = UciHeartRows.pooled(UciHeartRows.all());

    List<ResultRecord> records = ResultRecord.decode(sandbox.run(sandbox.load(example("median")), pooled).result());

    for (int group : new int[] {ResultRecord.ALL_ROWS, 0, 1}) {
      double[] sorted = cholesterol(pooled, group);
      assertThat(byName(records, group)).as("group %d", group).containsExactlyInAnyOrderEntriesOf(Map.of(
          "n", (double) sorted.length,
          "q1", quantile(sorted, 0.25),
          "median", quantile(sorted, 0.5),
          "q3", quantile(sorted, 0.75)));
    }
    assertThat(byName(records, ResultRecord.ALL_ROWS).get("n")).isEqualTo(718.0);
  }

  @Test
  void medianDoesNotDependOnTheOrderSitesDelivered() throws Exception {
    List<RowTable> sites = new ArrayList<>(UciHeartRows.all());
    WasmProgram median = sandbox.load(example("median"));
    byte[] forward = sandbox.run(median, UciHeartRows.pooled(sites)).result();
    java.util.Collections.reverse(sites);

    assertThat(sandbox.run(median, UciHeartRows.pooled(sites)).result()).isEqualTo(forward);
  }

  @Test
  void stumpFittedOnPooledTrainingRowsReportsEachSitesTestAccuracy() throws Exception {
    List<RowTable> sites = UciHeartRows.all();

    List<ResultRecord> records = ResultRecord.decode(
        sandbox.run(sandbox.load(example("stump")), UciHeartRows.pooled(sites)).result());

    Map<String, Double> model = byName(records, ResultRecord.ALL_ROWS);
    assertThat(model.keySet()).containsExactlyInAnyOrder("feature", "threshold", "left_p", "right_p", "train_n");
    assertThat(UciHeartRows.COLUMNS.get(model.get("feature").intValue())).isIn("age", "chol", "thalach", "oldpeak");
    assertThat(model.get("left_p")).isNotEqualTo(model.get("right_p"));
    int feature = model.get("feature").intValue();
    double threshold = model.get("threshold");
    int testRows = 0;
    for (int s = 0; s < sites.size(); s++) {
      RowTable rows = sites.get(s);
      int tested = 0;
      int right = 0;
      for (int i = 3; i < rows.rows(); i += 4) {
        double v = rows.value(i, feature);
        double p = Double.isNaN(v) || v <= threshold ? model.get("left_p") : model.get("right_p");
        tested++;
        right += (p > 0.5) == (rows.value(i, UciHeartRows.COLUMNS.indexOf("label")) == 1) ? 1 : 0;
      }
      Map<String, Double> site = byName(records, s);
      assertThat(site.get("test_n")).as("site %d's test rows: every fourth", s).isEqualTo((double) tested);
      assertThat(site.get("accuracy")).as("site %d's accuracy", s).isEqualTo((double) right / tested);
      testRows += tested;
    }
    assertThat(model.get("train_n")).isEqualTo((double) (920 - testRows));
  }

  @Test
  void committedExamplesAreWhatTheirSourcesBuildTo(@TempDir Path out) throws Exception {
    assumeThat(onPath("clang") && onPath("wasm-ld"))
        .as("clang and wasm-ld rebuild the examples (Debian: apt-get install clang lld)").isTrue();
    Process build = new ProcessBuilder("bash", "src/main/cleanroom/build.sh", out.toString())
        .redirectErrorStream(true).start();
    String output = new String(build.getInputStream().readAllBytes());
    assertThat(build.waitFor(120, TimeUnit.SECONDS)).as("build.sh finished").isTrue();
    assertThat(build.exitValue()).as(output).isZero();

    for (String name : List.of("median", "stump")) {
      assertThat(Files.readAllBytes(out.resolve(name + ".wasm"))).as("%s.wasm rebuilt from %s.c", name, name)
          .isEqualTo(example(name));
    }
  }

  private static boolean onPath(String tool) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }
}
