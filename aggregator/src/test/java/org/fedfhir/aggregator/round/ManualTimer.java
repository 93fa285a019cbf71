package org.fedfhir.aggregator.round;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@link StageTimer} whose deadlines pass only when a test says so. */
final class ManualTimer implements StageTimer {

  private final List<Runnable> pending = new ArrayList<>();

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    pending.add(task);
    return () -> {
      synchronized (ManualTimer.this) {
        pending.remove(task);
      }
    };
  }

  /** Lets every pending deadline pass. */
  void expireAll() {
    List<Runnable> due;
    synchronized (this) {
      due = new ArrayList<>(pending);
      pending.clear();
    }
    due.forEach(Runnable::run);
  }
}
