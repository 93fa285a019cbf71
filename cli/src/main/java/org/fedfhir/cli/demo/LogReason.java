package org.fedfhir.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The one line of a server log that says why it stopped: its last root cause, else its last error. */
final class LogReason {
  private static final int MAX = 240;

  private LogReason() {}

  static Optional<String> of(Path log) {
    try {
      if (!Files.exists(log)) {
        return Optional.empty();
      }
      return of(Files.readAllLines(log, StandardCharsets.UTF_8));
    } catch (IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }

  static Optional<String> of(List<String> lines) {
    String cause = null;
    String error = null;
    for (String l : lines) {
      String t = l.strip();
      if (t.startsWith("Caused by: ")) {
        cause = t.substring("Caused by: ".length());
      } else if (t.contains(" ERROR ") || t.startsWith("Exception in thread") || t.startsWith("Description:")) {
        error = t;
        cause = null; // a later error's causes follow it
      }
    }
    String r = cause != null ? cause : error;
    if (r == null) {
      return Optional.empty();
    }
    return Optional.of(r.length() > MAX ? r.substring(0, MAX) + "…" : r);
  }
}
