package org.fedfhir.cli.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./fedfhir load …}: put data into a FHIR server. */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Load data into a FHIR server as transaction bundles.",
    subcommands = {LoadHeartDiseaseCommand.class, LoadBundleCommand.class, LoadSyntheticCommand.class})
public final class LoadCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
