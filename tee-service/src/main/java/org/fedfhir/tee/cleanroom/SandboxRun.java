package org.fedfhir.tee.cleanroom;

/**
 * What a finished run produced: the program's raw result (not yet disclosure-checked, so it stays
 * in the enclave), its bounded log and the instructions it used.
 */
public record SandboxRun(byte[] result, String log, boolean logTruncated, long instructions) {

  public SandboxRun {
    result = result.clone();
  }

  @Override
  public byte[] result() {
    return result.clone();
  }

  @Override
  public String toString() {
    return "SandboxRun[" + result.length + " result bytes, " + instructions + " instructions]";
  }
}
