/**
 * The AI clean room's sandbox: a researcher's WebAssembly program ({@link
 * org.fedfhir.tee.cleanroom.WasmProgram}, checked at load: only the {@code fedfhir} ABI imported,
 * a bounded memory) runs in {@link org.fedfhir.tee.cleanroom.WasmSandbox} over pooled rows
 * ({@link org.fedfhir.tee.cleanroom.RowTable}) under {@link org.fedfhir.tee.cleanroom.SandboxLimits}
 * (fuel, memory pages, wall time, result size), deterministically. Each refusal is its own {@link
 * org.fedfhir.tee.enclave.TeeException}. The ABI and the limits are described in docs/cleanroom.md.
 * Nothing here logs rows, results or the program's log.
 */
package org.fedfhir.tee.cleanroom;
