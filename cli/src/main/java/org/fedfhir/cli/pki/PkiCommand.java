package org.fedfhir.cli.pki;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.fedfhir.aggregator.pki.PkiDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./fedfhir pki …}: the network's certificates for mutual TLS. */
@Command(
    name = "pki",
    mixinStandardHelpOptions = true,
    description = "Make the network CA and the parties' mutual-TLS certificates (for local use; "
        + "production parties load their own with --cert/--key/--ca).",
    subcommands = {PkiCommand.Init.class, PkiCommand.Issue.class, PkiCommand.Revoke.class})
public final class PkiCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code pki init --sites a,b,c [--dir DIR]}. */
  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Create a network CA and credentials for the aggregator, the TEE model service and each site.")
  static final class Init implements Callable<Integer> {

    @Option(names = "--sites", split = ",", required = true, paramLabel = "NAME",
        description = "Site names (lower-case letters, digits, '-'), comma-separated.")
    List<String> sites = new ArrayList<>();

    @Option(names = "--dir", defaultValue = "pki", paramLabel = "DIR",
        description = "Directory to create (default: ${DEFAULT-VALUE}); keys get mode 600.")
    Path dir;

    @Option(names = "--network", defaultValue = "FedFHIR local network", paramLabel = "NAME",
        description = "Name in the CA's certificate (default: ${DEFAULT-VALUE}).")
    String network;

    @Override
    public Integer call() {
      List<String> parties = PkiDirectory.init(dir, network, sites);
      System.out.println("network CA: " + PkiDirectory.caCertificateFile(dir)
          + " (its key " + PkiDirectory.caKeyFile(dir) + " should not leave this machine)");
      for (String p : parties) {
        System.out.println(p + ": " + PkiDirectory.certificateFile(dir, p) + ", "
            + PkiDirectory.keyFile(dir, p));
      }
      return 0;
    }
  }

  /** {@code pki issue --name x [--dns host] [--dir DIR]}. */
  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = "Issue credentials for one more party with the CA in --dir.")
  static final class Issue implements Callable<Integer> {

    @Option(names = "--name", required = true, description = "The party's name (its certificate CN).")
    String name;

    @Option(names = "--role", paramLabel = "ROLE",
        description = "site, aggregator, tee or researcher (a researcher's client certificate); "
            + "default: aggregator for 'aggregator', tee for 'tee', else site.")
    String role;

    @Option(names = "--dns", split = ",", paramLabel = "HOST",
        description = "Extra DNS names for the certificate (besides localhost and 127.0.0.1).")
    List<String> dns = new ArrayList<>();

    @Option(names = "--dir", defaultValue = "pki", paramLabel = "DIR",
        description = "Directory holding the CA (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() {
      org.fedfhir.access.Role r = role == null ? org.fedfhir.aggregator.pki.PartyName.defaultRole(name)
          : org.fedfhir.access.Role.fromCode(role).orElseThrow(() -> new CommandLine.ParameterException(
              new CommandLine(this), "--role " + role + ": need site, aggregator, tee or researcher"));
      PkiDirectory.issue(dir, name, r, dns);
      System.out.println(name + " (" + r.code() + "): " + PkiDirectory.certificateFile(dir, name) + ", "
          + PkiDirectory.keyFile(dir, name));
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Add a party's certificate in --dir to the network CA's revocation list (crl.pem); "
          + "the aggregator refuses it once restarted.")
  static final class Revoke implements Callable<Integer> {

    @Option(names = "--name", required = true, description = "The party whose certificate is revoked.")
    String name;

    @Option(names = "--dir", defaultValue = "pki", paramLabel = "DIR",
        description = "Directory holding the CA (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() {
      int entries = PkiDirectory.revoke(dir, name).getRevokedCertificates().size();
      System.out.println(name + " revoked: " + PkiDirectory.crlFile(dir) + " (" + entries + " revoked)");
      return 0;
    }
  }
}
