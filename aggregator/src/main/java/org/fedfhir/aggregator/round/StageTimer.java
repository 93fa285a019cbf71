package org.fedfhir.aggregator.round;

import java.time.Duration;

/** Schedules stage deadlines (a scheduled executor in the service; driven by hand in tests). */
public interface StageTimer {

  /** Runs the task once after the delay unless cancelled. */
  Cancellable schedule(Duration delay, Runnable task);

  /** A scheduled deadline. */
  interface Cancellable {
    void cancel();
  }
}
