package org.fedfhir.tee.cleanroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sandbox: the ABI, determinism, and each attack a program can try (fixtures in src/test/cleanroom). */
class WasmSandboxTest {

  private static final SandboxLimits LIMITS = SandboxLimits.DEFAULT.withWallTime(Duration.ofSeconds(20));
  private final WasmSandbox sandbox = new WasmSandbox(LIMITS);

  /** A module on the classpath at /cleanroom: an attack fixture or an example program. */
  static byte[] fixture(String name) {
    try (InputStream in = WasmSandboxTest.class.getResourceAsStream("/cleanroom/" + name + ".wasm")) {
      assertThat(in).as("%s.wasm (built by src/{main,test}/cleanroom/build.sh)", name).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static RowTable rows(int n) {
    double[] values = new double[n * 2];
    for (int i = 0; i < n; i++) {
      values[2 * i] = i % 3;
      values[2 * i + 1] = 1.5 * i;
    }
    return new RowTable(List.of("group", "x"), values);
  }

  @Test
  void programReadsRowsAndSchemaThroughTheAbiAndWritesRecords() throws Exception {
    SandboxRun run = sandbox.run(sandbox.load(fixture("echo")), rows(4));

    assertThat(ResultRecord.decode(run.result())).containsExactly(
        new ResultRecord("sum", ResultRecord.ALL_ROWS, 1.5 * (0 + 1 + 2 + 3)),
        new ResultRecord("n", ResultRecord.ALL_ROWS, 4),
        new ResultRecord("schema_length", ResultRecord.ALL_ROWS, "group\nx".length()));
    assertThat(run.log()).isEqualTo("summed");
    assertThat(run.instructions()).isPositive();
  }

  @Test
  void sameProgramOverSameRowsGivesSameBytesAndInstructionCount() throws Exception {
    WasmProgram program = sandbox.load(fixture("echo"));

    SandboxRun first = sandbox.run(program, rows(500));
    SandboxRun second = sandbox.run(program, rows(500));

    assertThat(second.result()).isEqualTo(first.result());
    assertThat(second.instructions()).isEqualTo(first.instructions());
  }

  @Test
  void infiniteLoopIsStoppedByFuel() throws Exception {
    WasmSandbox small = new WasmSandbox(LIMITS.withFuel(1_000_000));

    assertThatThrownBy(() -> small.run(small.load(fixture("loop")), rows(1)))
        .isInstanceOf(FuelExhaustedException.class)
        .hasMessageContaining("fuel of 1000000 instructions");
  }

  @Test
  void infiniteLoopIsStoppedByWallTimeWhenFuelWouldLastLonger() throws Exception {
    WasmSandbox quick = new WasmSandbox(LIMITS.withFuel(Long.MAX_VALUE).withWallTime(Duration.ofMillis(300)));

    assertThatThrownBy(() -> quick.run(quick.load(fixture("loop")), rows(1)))
        .isInstanceOf(WallTimeExceededException.class)
        .hasMessageContaining("wall time of 300 ms");
  }

  @Test
  void moduleDeclaringMoreMemoryThanTheLimitIsRefusedAtLoad() {
    assertThatThrownBy(() -> sandbox.load(fixture("hog")))
        .isInstanceOf(ProgramRefusedException.class)
        .hasMessageContaining("65536 pages")
        .hasMessageContaining("at most 256 pages");
  }

  @Test
  void memoryGrabBeyondTheDeclaredMaximumFailsInsideTheProgram() throws Exception {
    SandboxRun run = sandbox.run(sandbox.load(fixture("grab")), rows(1));

    assertThat(ResultRecord.decode(run.result()))
        .containsExactly(new ResultRecord("grown", ResultRecord.ALL_ROWS, -1));
  }

  @Test
  void moduleImportingWasiIsRefusedAtLoadNamingTheImport() {
    assertThatThrownBy(() -> sandbox.load(fixture("wasi")))
        .isInstanceOf(ProgramRefusedException.class)
        .hasMessageContaining("wasi_snapshot_preview1.fd_write")
        .hasMessageContaining("may import only fedfhir.");
  }

  @Test
  void resultLargerThanTheLimitIsRefused() throws Exception {
    WasmSandbox tight = new WasmSandbox(LIMITS.withMaxResultBytes(1024));

    assertThatThrownBy(() -> tight.run(tight.load(fixture("flood")), rows(200)))
        .isInstanceOf(ResultTooLargeException.class)
        .hasMessageContaining("result of 3200 bytes")
        .hasMessageContaining("limit is 1024 bytes");
  }

  @Test
  void bytesThatAreNotWebAssemblyAreRefused() {
    assertThatThrownBy(() -> sandbox.load("not a module".getBytes()))
        .isInstanceOf(ProgramRefusedException.class)
        .hasMessageContaining("not a valid WebAssembly module");
  }

  @Test
  void moduleHashIsTheSha256OfItsBytes() throws Exception {
    assertThat(sandbox.load(fixture("echo")).sha256()).isEqualTo(WasmProgram.sha256(fixture("echo"))).hasSize(64);
  }
}
