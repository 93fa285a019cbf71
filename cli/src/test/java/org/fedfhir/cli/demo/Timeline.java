package org.fedfhir.cli.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What happened when, in a multi-party run: each line as it happens, and the whole at the end. */
final class Timeline {
  private record Entry(double seconds, String who, String what) {}

  private final long t0 = System.nanoTime();
  private final List<Entry> entries = new ArrayList<>();
  private final PrintStream out;

  Timeline(PrintStream out) {
    this.out = out;
  }

  /** {@code who} (a party, "fault" or "researcher") did or saw {@code what}. */
  synchronized void note(String who, String what) {
    Entry e = new Entry((System.nanoTime() - t0) / 1e9, who, what);
    entries.add(e);
    out.println(line(e));
  }

  synchronized double seconds() {
    return (System.nanoTime() - t0) / 1e9;
  }

  synchronized String table() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%8s  %-12s %s%n", "t (s)", "who", "what"));
    entries.forEach(e -> b.append(line(e)).append('\n'));
    return b.toString();
  }

  private static String line(Entry e) {
    return String.format(Locale.ROOT, "%8.1f  %-12s %s", e.seconds(), e.who(), e.what());
  }
}
