package org.fedfhir.cli.demo;

import java.nio.file.Path;
import java.util.Optional;

/** One party of the demo network (a hospital or the aggregator) started with {@code ./fedfhir} arguments. */
public interface Node {
  String name();

  /** Where its output goes. */
  Path logFile();

  /** Present once it has stopped on its own (it failed to start or died): a one-line reason. */
  Optional<String> failure();

  /** Stops it (a child process is terminated; a context in the demo's JVM closes when the JVM exits). */
  void stop();
}
