package org.fedfhir.cli.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import org.fedfhir.cli.aggregator.AggregatorCommand;
import org.fedfhir.cli.hospital.HospitalCommand;
import org.fedfhir.federation.Strategy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir demo}: the project's main job on embedded defaults. Starts a network CA, an
 * aggregator and four hospital FHIR servers (one per UCI Heart Disease centre) on loopback, loads
 * each centre's data over FHIR REST, publishes and approves the heart-disease study, trains locally
 * and with each federated strategy through {@code $train} as an integrator would, and reports test
 * accuracy per centre beside a pooled reference and FLamby's published figures.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Four hospitals and an aggregator on loopback: load the UCI Heart Disease data, train "
        + "local-only and federated (secure aggregation) via $train, compare with pooled training and FLamby.")
public final class DemoCommand implements Callable<Integer> {

  /** The server optimisers of Reddi et al. 2021 the demo can run. */
  private static final Set<Strategy> SERVER_OPTIMISERS = EnumSet.of(Strategy.FEDADAGRAD, Strategy.FEDADAM,
      Strategy.FEDYOGI);

  @Option(names = "--report-dir", defaultValue = "reports/demo", paramLabel = "DIR",
      description = "Where report.json, report.html and the server logs go (default: ${DEFAULT-VALUE}).")
  Path reportDir;

  @Option(names = "--keep-running", description = "Leave the servers running after the report (Ctrl-C stops).")
  boolean keepRunning;

  @Option(names = "--rounds", defaultValue = "20", paramLabel = "R",
      description = "Federated rounds for FedAvg and the server optimiser (Newton: at most "
          + StudyVariants.NEWTON_MAX_ROUNDS + "); default ${DEFAULT-VALUE}.")
  int rounds;

  @Option(names = "--isolation", defaultValue = "context", paramLabel = "context|process",
      description = "Each party in its own Spring context in this JVM (default; about half the CPU of a JVM "
          + "each) or in its own child JVM.")
  String isolation;

  @Option(names = "--server-optimiser", defaultValue = "fedadagrad", paramLabel = "fedadagrad|fedadam|fedyogi",
      description = "The server optimiser to run beside FedAvg and Newton (default: ${DEFAULT-VALUE}).")
  String serverOptimiser;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Databases and PKI (default: a new temporary directory).")
  Path workDir;

  @Option(names = "--startup-timeout", defaultValue = "PT5M", paramLabel = "ISO-8601",
      description = "How long to wait for the servers (default: ${DEFAULT-VALUE}).")
  Duration startupTimeout;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    DemoRun.Settings settings = settings();
    return new DemoRun(settings, hasOptions(new HospitalCommand(), "--aggregator", "--pki"),
        hasOptions(new AggregatorCommand(), "--fhir-port")).run();
  }

  /** The validated settings; a bad value is a usage error naming it and the allowed values. */
  DemoRun.Settings settings() {
    if (rounds < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rounds " + rounds + " must be ≥ 1");
    }
    DemoNetwork.Isolation iso = switch (isolation) {
      case "context" -> DemoNetwork.Isolation.CONTEXT;
      case "process" -> DemoNetwork.Isolation.PROCESS;
      default -> throw new CommandLine.ParameterException(spec.commandLine(),
          "--isolation " + isolation + " is unknown; use context | process");
    };
    if (!Strategy.isCode(serverOptimiser) || !SERVER_OPTIMISERS.contains(Strategy.fromCode(serverOptimiser))) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--server-optimiser " + serverOptimiser + " is unknown; use fedadagrad | fedadam | fedyogi");
    }
    if (startupTimeout.isNegative() || startupTimeout.isZero()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--startup-timeout must be positive");
    }
    return new DemoRun.Settings(reportDir, workDir, keepRunning, rounds, iso, Strategy.fromCode(serverOptimiser),
        startupTimeout);
  }

  /** Whether a subcommand of this build has all the given options (flags other engineers are adding). */
  static boolean hasOptions(Object command, String... names) {
    CommandLine.Model.CommandSpec s = new CommandLine(command).getCommandSpec();
    for (String n : names) {
      if (s.findOption(n) == null) {
        return false;
      }
    }
    return true;
  }
}
