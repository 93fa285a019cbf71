package org.fedfhir.cli.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Wall-clock seconds per named phase, in the order they ran. */
final class PhaseClock {
  private final Map<String, Double> seconds = new LinkedHashMap<>();

  <T> T time(String phase, Supplier<T> work) {
    long t0 = System.nanoTime();
    try {
      return work.get();
    } finally {
      seconds.merge(phase, (System.nanoTime() - t0) / 1e9, Double::sum);
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
}
