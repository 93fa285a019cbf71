package org.fedfhir.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./fedfhir bench …}: benchmark harnesses that print tables (they never fail on speed). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure FedFHIR's building blocks and print a table.",
    subcommands = {SecAggBench.class, ExtractBench.class, TeeBench.class, RoundsBench.class, InferBench.class,
        StatsBench.class, FlambyBench.class})
public final class BenchCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
