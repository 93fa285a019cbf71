package org.fedfhir.tee.cleanroom;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExecutionListener;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fedfhir.tee.enclave.TeeException;

/**
 * Runs a {@link WasmProgram} over a {@link RowTable} in Chicory's pure-Java interpreter, with
 * nothing reachable but the {@code fedfhir} ABI (see {@code src/main/cleanroom/fedfhir.h} and
 * docs/cleanroom.md).
 *
 * <p>Security guarantees: the program sees only the rows, their schema and (if it imports it and
 * the study declares one) a seed; it has no clock, no randomness, no file, network or WASI call, so
 * the same program over the same rows gives the same bytes. Each run gets a fresh instance in a
 * worker thread of its own and stops when it has executed {@link SandboxLimits#fuel()} instructions
 * (counted by an execution listener), when its wall time is up (the thread is interrupted, which
 * Chicory's interpreter checks at every branch and call), or when it writes too large a result;
 * its memory cannot grow past the maximum it declared, which {@link WasmProgram#load} bounds.
 * Nothing here logs rows, results or the program's log. Thread-safe (runs share nothing).
 */
public final class WasmSandbox {

  private final SandboxLimits limits;

  public WasmSandbox(SandboxLimits limits) {
    this.limits = limits;
  }

  public SandboxLimits limits() {
    return limits;
  }

  /** Checks a module against this sandbox's limits: see {@link WasmProgram#load}. */
  public WasmProgram load(byte[] wasm) throws ProgramRefusedException {
    return WasmProgram.load(wasm, limits);
  }

  /** Runs {@code program} once over {@code rows} without a seed. */
  public SandboxRun run(WasmProgram program, RowTable rows)
      throws FuelExhaustedException, WallTimeExceededException, ResultTooLargeException, ProgramFailedException {
    return run(program, rows, OptionalLong.empty());
  }

  /**
   * Runs {@code program} once over {@code rows}.
   *
   * @param seed what {@code fedfhir.seed()} returns; required if the program imports it
   */
  public SandboxRun run(WasmProgram program, RowTable rows, OptionalLong seed)
      throws FuelExhaustedException, WallTimeExceededException, ResultTooLargeException, ProgramFailedException {
    if (program.usesSeed() && seed.isEmpty()) {
      throw new ProgramFailedException("the program imports fedfhir.seed but the study declares no seed");
    }
    Execution execution = new Execution(program, rows, seed, limits);
    FutureTask<SandboxRun> task = new FutureTask<>(execution::call);
    Thread worker = new Thread(task, "cleanroom-sandbox");
    worker.setDaemon(true);
    worker.start();
    try {
      return task.get(limits.wallTime().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new WallTimeExceededException("the program ran longer than its wall time of "
          + limits.wallTime().toMillis() + " ms and was stopped; nothing is released");
    } catch (InterruptedException e) {
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw new ProgramFailedException("the run was interrupted before the program finished; nothing is released");
    } catch (ExecutionException e) {
      throw rethrow(execution.failure(e.getCause()));
    }
  }

  private static RuntimeException rethrow(TeeException failure)
      throws FuelExhaustedException, WallTimeExceededException, ResultTooLargeException, ProgramFailedException {
    if (failure instanceof FuelExhaustedException e) {
      throw e;
    }
    if (failure instanceof WallTimeExceededException e) {
      throw e;
    }
    if (failure instanceof ResultTooLargeException e) {
      throw e;
    }
    if (failure instanceof ProgramFailedException e) {
      throw e;
    }
    throw new ProgramFailedException(failure.getMessage());
  }

  /** One run: its instance, its host functions' state, and how its failures read. */
  private static final class Execution {
    private final WasmProgram program;
    private final RowTable rows;
    private final OptionalLong seed;
    private final SandboxLimits limits;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private boolean logTruncated;
    private byte[] result;
    private long instructions;
    private Abort abort;

    Execution(WasmProgram program, RowTable rows, OptionalLong seed, SandboxLimits limits) {
      this.program = program;
      this.rows = rows;
      this.seed = seed;
      this.limits = limits;
    }

    SandboxRun call() {
      ExecutionListener fuel = (instruction, stack) -> {
        if (++instructions > limits.fuel()) {
          throw abort(new Abort(new FuelExhaustedException("the program used its fuel of " + limits.fuel()
              + " instructions and was stopped; nothing is released")));
        }
      };
      Instance instance = Instance.builder(program.module())
          .withImportValues(ImportValues.builder().withFunctions(hostFunctions()).build())
          .withUnsafeExecutionListener(fuel)
          .build();
      long code = instance.export("run").apply()[0];
      if (code != 0) {
        throw abort(new Abort(new ProgramFailedException("the program returned error code " + code + "; nothing is released")));
      }
      if (result == null) {
        throw abort(new Abort(new ProgramFailedException("the program finished without writing a result")));
      }
      return new SandboxRun(result, log.toString(StandardCharsets.UTF_8), logTruncated, instructions);
    }

    private List<ImportFunction> hostFunctions() {
      byte[] schema = rows.schemaBytes();
      byte[] rowBytes = rows.rowBytes();
      List<ImportFunction> functions = new ArrayList<>();
      functions.add(host("rows_count", (instance, args) -> new long[] {rows.rows()}));
      functions.add(host("row_width", (instance, args) -> new long[] {rows.width()}));
      functions.add(host("schema", (instance, args) -> {
        int length = length(args[1]);
        if (length >= schema.length) {
          memory(instance).write((int) args[0], schema);
        }
        return new long[] {schema.length};
      }));
      functions.add(host("read_rows", (instance, args) -> {
        int n = Math.min(length(args[1]), rowBytes.length);
        memory(instance).write((int) args[0], rowBytes, 0, n);
        return new long[] {n};
      }));
      functions.add(host("write_result", (instance, args) -> {
        int length = length(args[1]);
        if (result != null) {
          throw abort(new Abort(new ResultTooLargeException("the program wrote a second result; a run writes one")));
        }
        if (length > limits.maxResultBytes()) {
          throw abort(new Abort(new ResultTooLargeException("the program tried to write a result of " + length
              + " bytes; the limit is " + limits.maxResultBytes() + " bytes; nothing is released")));
        }
        result = memory(instance).readBytes((int) args[0], length);
        return new long[] {0};
      }));
      functions.add(host("log", (instance, args) -> {
        int length = length(args[1]);
        int keep = Math.min(length, limits.maxLogBytes() - log.size());
        if (keep > 0) {
          log.writeBytes(memory(instance).readBytes((int) args[0], keep));
        }
        logTruncated |= keep < length;
        return null;
      }));
      if (seed.isPresent()) {
        functions.add(host("seed", (instance, args) -> new long[] {seed.getAsLong()}));
      }
      return functions;
    }

    private static HostFunction host(String name, WasmFunctionHandle handle) {
      return new HostFunction(WasmProgram.ABI_MODULE, name, WasmProgram.ABI.get(name), handle);
    }

    private static Memory memory(Instance instance) {
      return instance.memory();
    }

    private int length(long arg) {
      int length = (int) arg;
      if (length < 0) {
        throw abort(new Abort(new ProgramFailedException("the program passed a negative length to the ABI")));
      }
      return length;
    }

    private Abort abort(Abort a) {
      if (abort == null) {
        abort = a;
      }
      return abort;
    }

    /** The checked exception a failed run reads as; the first abort raised wins. */
    TeeException failure(Throwable thrown) {
      if (abort != null) {
        return (abort.reason);
      }
      for (Throwable t = thrown; t != null; t = t.getCause()) {
        if (t instanceof Abort a) {
          return (a.reason);
        }
        if (t instanceof ChicoryInterruptedException) {
          return (new WallTimeExceededException("the program was stopped; nothing is released"));
        }
      }
      if (thrown instanceof StackOverflowError) {
        return (new ProgramFailedException("the program overflowed its stack; nothing is released"));
      }
      return (new ProgramFailedException("the program trapped (" + thrown.getClass().getSimpleName()
          + ": " + thrown.getMessage() + "); nothing is released"));
    }
  }

  /** Carries a sandbox exception up through the interpreter. */
  private static final class Abort extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient TeeException reason;

    Abort(TeeException reason) {
      super(reason.getMessage(), null, false, false);
      this.reason = reason;
    }
  }
}
