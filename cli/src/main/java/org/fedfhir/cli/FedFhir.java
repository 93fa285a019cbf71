package org.fedfhir.cli;

import org.fedfhir.cli.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command users meet: {@code ./fedfhir}. Each capability of FedFHIR is a subcommand
 * (demo, hospital, aggregator, tee, auth, token, load, bench …).
 */
@Command(
    name = "fedfhir",
    mixinStandardHelpOptions = true,
    versionProvider = FedFhir.Version.class,
    description = "Privacy-preserving federated learning, inference and statistics for FHIR servers.",
    subcommands = {
        BenchCommand.class,
        org.fedfhir.cli.hospital.HospitalCommand.class,
        org.fedfhir.cli.load.LoadCommand.class,
        org.fedfhir.cli.pki.PkiCommand.class,
        org.fedfhir.cli.aggregator.AggregatorCommand.class,
        org.fedfhir.cli.tee.TeeCommand.class,
        org.fedfhir.cli.demo.DemoCommand.class,
        org.fedfhir.cli.stats.StatsCommand.class,
        org.fedfhir.cli.study.StudyCommand.class,
        org.fedfhir.cli.cleanroom.CleanRoomCommand.class,
        org.fedfhir.cli.auth.AuthCommand.class,
        org.fedfhir.cli.auth.TokenCommand.class,
        CommandLine.HelpCommand.class
    })
public final class FedFhir implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new FedFhir()).execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = FedFhir.class.getPackage().getImplementationVersion();
      return new String[] {"fedfhir " + (v == null ? "development build" : v)};
    }
  }
}
