package org.fedfhir.tee.cleanroom;

import java.time.Duration;

/**
 * What a clean-room program may use in one run.
 *
 * @param fuel WebAssembly instructions it may execute
 * @param maxMemoryPages the largest memory maximum (64 KiB pages) a module may declare
 * @param wallTime how long the run may take, instantiation included
 * @param maxResultBytes the largest result it may write
 * @param maxLogBytes how much of its log is kept (the rest is dropped)
 */
public record SandboxLimits(long fuel, int maxMemoryPages, Duration wallTime, int maxResultBytes, int maxLogBytes) {

  /** 2·10⁹ instructions, 256 pages (16 MiB), 60 s, 64 KiB of result, 4 KiB of log. */
  public static final SandboxLimits DEFAULT = new SandboxLimits(2_000_000_000L, 256, Duration.ofSeconds(60), 65_536, 4_096);

  public SandboxLimits {
    if (fuel < 1) {
      throw new IllegalArgumentException("fuel " + fuel + "; need at least 1 instruction");
    }
    if (maxMemoryPages < 1 || maxMemoryPages > 65_536) {
      throw new IllegalArgumentException("max memory pages " + maxMemoryPages + "; need 1 ≤ pages ≤ 65536");
    }
    if (wallTime == null || wallTime.isNegative() || wallTime.isZero()) {
      throw new IllegalArgumentException("wall time " + wallTime + "; need a positive duration");
    }
    if (maxResultBytes < 1) {
      throw new IllegalArgumentException("max result bytes " + maxResultBytes + "; need at least 1");
    }
    if (maxLogBytes < 0) {
      throw new IllegalArgumentException("max log bytes " + maxLogBytes + "; need at least 0");
    }
  }

  /** These limits with another fuel. */
  public SandboxLimits withFuel(long instructions) {
    return new SandboxLimits(instructions, maxMemoryPages, wallTime, maxResultBytes, maxLogBytes);
  }

  /** These limits with another wall time. */
  public SandboxLimits withWallTime(Duration time) {
    return new SandboxLimits(fuel, maxMemoryPages, time, maxResultBytes, maxLogBytes);
  }

  /** These limits with another result size. */
  public SandboxLimits withMaxResultBytes(int bytes) {
    return new SandboxLimits(fuel, maxMemoryPages, wallTime, bytes, maxLogBytes);
  }
}
