package org.fedfhir.tee.cleanroom;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A researcher's WebAssembly module that passed the clean room's load checks: it parses, imports
 * nothing but the {@code fedfhir} ABI (each with its exact signature), defines its own memory with
 * a maximum within the limit, and exports {@code memory} and {@code run: () -> i32}. Immutable.
 */
public final class WasmProgram {

  /** The ABI: every function a program may import from module {@code "fedfhir"}, with its type. */
  static final Map<String, FunctionType> ABI = Map.of(
      "rows_count", FunctionType.of(List.of(), List.of(ValType.I32)),
      "row_width", FunctionType.of(List.of(), List.of(ValType.I32)),
      "schema", FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32)),
      "read_rows", FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32)),
      "write_result", FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32)),
      "log", FunctionType.of(List.of(ValType.I32, ValType.I32), List.of()),
      "seed", FunctionType.of(List.of(), List.of(ValType.I64)));

  /** The ABI's module name. */
  public static final String ABI_MODULE = "fedfhir";

  private final byte[] bytes;
  private final String sha256;
  private final WasmModule module;
  private final boolean usesSeed;
  private final int maxMemoryPages;

  private WasmProgram(byte[] bytes, String sha256, WasmModule module, boolean usesSeed, int maxMemoryPages) {
    this.bytes = bytes;
    this.sha256 = sha256;
    this.module = module;
    this.usesSeed = usesSeed;
    this.maxMemoryPages = maxMemoryPages;
  }

  /**
   * Parses and checks a module against {@code limits}.
   *
   * @throws ProgramRefusedException naming the first reason it is refused
   */
  public static WasmProgram load(byte[] wasm, SandboxLimits limits) throws ProgramRefusedException {
    WasmModule module;
    try {
      module = Parser.parse(wasm);
    } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new ProgramRefusedException("not a valid WebAssembly module: " + e.getMessage());
    }
    boolean usesSeed = false;
    List<String> forbidden = new ArrayList<>();
    int importedFunctions = 0;
    for (int i = 0; i < module.importSection().importCount(); i++) {
      Import imported = module.importSection().getImport(i);
      String name = imported.module() + "." + imported.name();
      if (!(imported instanceof FunctionImport function) || !imported.module().equals(ABI_MODULE)
          || !ABI.containsKey(imported.name())) {
        forbidden.add(name);
        continue;
      }
      importedFunctions++;
      FunctionType type = module.typeSection().getType(function.typeIndex());
      if (!type.equals(ABI.get(imported.name()))) {
        throw new ProgramRefusedException("the module imports " + name + " as " + type
            + " but the clean room's ABI defines it as " + ABI.get(imported.name()));
      }
      usesSeed |= imported.name().equals("seed");
    }
    if (!forbidden.isEmpty()) {
      throw new ProgramRefusedException("the module imports " + forbidden + "; a clean-room program may import only "
          + ABI_MODULE + "." + ABI.keySet().stream().sorted().toList() + " (no WASI, no other host functions)");
    }
    if (module.memorySection().map(s -> s.memoryCount()).orElse(0) != 1) {
      throw new ProgramRefusedException("the module must define exactly one memory of its own");
    }
    MemoryLimits memory = module.memorySection().orElseThrow().getMemory(0).limits();
    if (memory.maximumPages() > limits.maxMemoryPages()) {
      throw new ProgramRefusedException("the module's memory may grow to " + memory.maximumPages()
          + " pages (or declares no maximum); the clean room allows at most " + limits.maxMemoryPages()
          + " pages of 64 KiB (link with -Wl,--max-memory)");
    }
    requireExport(module, "memory", ExternalType.MEMORY);
    Export run = requireExport(module, "run", ExternalType.FUNCTION);
    FunctionType runType = run.index() < importedFunctions
        ? null : module.functionSection().getFunctionType(run.index() - importedFunctions, module.typeSection());
    if (runType == null || !runType.equals(FunctionType.of(List.of(), List.of(ValType.I32)))) {
      throw new ProgramRefusedException("the module's export run must be a function of its own taking nothing and returning i32");
    }
    if (module.startSection().isPresent()) {
      throw new ProgramRefusedException("the module has a start function; a clean-room program runs only through run");
    }
    return new WasmProgram(wasm.clone(), sha256(wasm), module, usesSeed, memory.maximumPages());
  }

  private static Export requireExport(WasmModule module, String name, ExternalType type) throws ProgramRefusedException {
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      Export export = module.exportSection().getExport(i);
      if (export.name().equals(name) && export.exportType() == type) {
        return export;
      }
    }
    throw new ProgramRefusedException("the module does not export " + type.name().toLowerCase() + " " + name);
  }

  /** Lowercase hex SHA-256 of {@code bytes}: the hash a study names and a steward approves. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** Lowercase hex SHA-256 of the module's bytes. */
  public String sha256() {
    return sha256;
  }

  /** The module's bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** True if it imports {@code fedfhir.seed}, so a run needs a seed. */
  public boolean usesSeed() {
    return usesSeed;
  }

  /** The most 64 KiB pages its memory may grow to. */
  public int maxMemoryPages() {
    return maxMemoryPages;
  }

  WasmModule module() {
    return module;
  }

  @Override
  public String toString() {
    return "WasmProgram[sha256=" + sha256 + ", " + bytes.length + " bytes]";
  }
}
