package org.fedfhir.cli.demo;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wall-clock seconds per named phase, in the order they ran, and the CPU-seconds this JVM spent in each
 * (every party in it and the demo itself; with {@code --isolation process} only the demo's share). On
 * shared cores the CPU-seconds say what a phase costs, the wall-clock seconds what it took under that
 * load.
 */
final class PhaseClock {
  private final Map<String, Double> seconds = new LinkedHashMap<>();
  private final Map<String, Double> cpuSeconds = new LinkedHashMap<>();

  <T> T time(String phase, Supplier<T> work) {
    long t0 = System.nanoTime();
    long c0 = processCpuNanos();
    try {
      return work.get();
    } finally {
      seconds.merge(phase, (System.nanoTime() - t0) / 1e9, Double::sum);
      long c1 = processCpuNanos();
      if (c0 >= 0 && c1 >= 0) {
        cpuSeconds.merge(phase, (c1 - c0) / 1e9, Double::sum);
      }
    }
  }

  void time(String phase, Runnable work) {
    time(phase, () -> {
      work.run();
      return null;
    });
  }

  Map<String, Double> seconds() {
    return new LinkedHashMap<>(seconds);
  }

  /** CPU-seconds of this JVM per phase; empty where the platform does not say. */
  Map<String, Double> cpuSeconds() {
    return new LinkedHashMap<>(cpuSeconds);
  }

  /** CPU time of this process so far, or -1 if the platform does not say. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
