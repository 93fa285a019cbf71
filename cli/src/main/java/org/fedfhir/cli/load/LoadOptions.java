package org.fedfhir.cli.load;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How a command loads a hospital (picocli mixin): transactions of {@code --per-bundle} patients,
 * {@code --in-flight} of them posted at once. The defaults are what {@code ./fedfhir demo} uses too.
 */
public final class LoadOptions {
  public static final int PER_BUNDLE = 20;
  public static final int IN_FLIGHT = 3;

  @Spec(Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec command;

  @Option(names = "--per-bundle", defaultValue = "" + PER_BUNDLE,
      description = "Patients per transaction (default ${DEFAULT-VALUE}).")
  int perBundle;

  @Option(names = "--in-flight", defaultValue = "" + IN_FLIGHT,
      description = "Transactions posted at once (default ${DEFAULT-VALUE}).")
  int inFlight;

  public int perBundle() {
    return perBundle;
  }

  public int inFlight() {
    return inFlight;
  }

  /** Refuses (picocli: message, usage, exit code 2) options that cannot load. */
  public void check() {
    if (perBundle < 1 || inFlight < 1) {
      throw new CommandLine.ParameterException(command.commandLine(),
          "--per-bundle " + perBundle + ", --in-flight " + inFlight + ": each must be at least 1");
    }
  }
}
