package org.fedfhir.cli.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.fedfhir.auth.AuthServer;
import org.fedfhir.auth.AuthServerEndpoints;
import org.fedfhir.auth.AuthServerSettings;
import org.fedfhir.auth.directory.AuthDirectoryException;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir auth --port P [--bind ADDR] [--issuer URL] --directory FILE --resource URL…
 * [--tls-cert PEM --tls-key PEM]}: runs FedFHIR's own SMART on FHIR authorisation server until
 * stopped. Users, clients and keys come from files, never from the command line.
 */
@Command(
    name = "auth",
    mixinStandardHelpOptions = true,
    subcommands = AuthCommand.Accounts.class,
    description = {
        "Run FedFHIR's SMART on FHIR authorisation server (App Launch 2.2 and Backend Services) for",
        "hospitals that do not plug in their own issuer. Users and clients come from the directory file",
        "('auth accounts' makes a hospital's)."})
public final class AuthCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "9000", description = "TCP port (0 = any free port). Default ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--bind", defaultValue = AuthServerSettings.DEFAULT_BIND_ADDRESS,
      description = "Address to listen on. Default ${DEFAULT-VALUE}.")
  String bind;

  @Option(names = "--issuer", description = "Issuer URL (iss). Default http(s)://localhost:PORT.")
  String issuer;

  // Required to run the server (AuthServerSettings says so), but not on the command line: 'auth accounts' goes without.
  @Option(names = "--directory", description = "JSON file of users and clients (required).")
  Path directory;

  @Option(names = "--resource",
      description = "FHIR base URL tokens are issued for (the aud); repeat for each server (required).")
  List<String> resources;

  @Option(names = "--token-lifetime", defaultValue = "PT5M",
      description = "Access-token lifetime, ISO-8601 (PT5M). Default ${DEFAULT-VALUE}.")
  Duration lifetime;

  @Option(names = "--tls-cert", description = "PEM certificate (chain) for HTTPS.")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key of --tls-cert.")
  Path tlsKey;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  private void refuse(String reason) {
    spec.commandLine().getErr().println("fedfhir auth: " + reason);
    spec.commandLine().getErr().flush();
  }

  @Override
  public Integer call() throws Exception {
    AuthServerSettings settings;
    try {
      settings = new AuthServerSettings(bind, port, issuer, directory, resources, lifetime, tlsCert, tlsKey);
    } catch (IllegalArgumentException | NullPointerException e) {
      refuse(e.getMessage());
      return 2;
    }
    ConfigurableApplicationContext server;
    try {
      server = AuthServer.start(settings);
    } catch (AuthDirectoryException e) {
      refuse(e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    AuthServerEndpoints endpoints = AuthServer.endpoints(server);
    System.out.println("SMART authorisation server: " + endpoints.issuer() + " (listening on " + settings.bindAddress()
        + ":" + endpoints.port() + ")");
    System.out.println("  discovery:  " + endpoints.smartConfiguration());
    System.out.println("  token:      " + endpoints.tokenEndpoint());
    System.out.println("  jwks:       " + endpoints.jwksUri());
    System.out.println("  resources:  " + String.join(", ", settings.resources()));
    System.out.println("Signing key and sessions are in memory: a restart invalidates tokens. Stop with Ctrl-C.");
    stopped.await();
    return 0;
  }

  /**
   * {@code ./fedfhir auth accounts --dir DIR --site NAME --resource URL}: a hospital's users and clients,
   * made as {@code ./fedfhir hospital} makes them for its own authorisation server, for running
   * {@code ./fedfhir auth} apart (e.g. in a container, the directory mounted read-only).
   */
  @Command(name = "accounts", mixinStandardHelpOptions = true,
      description = {"Make a hospital's users and clients in DIR, unless DIR/directory.json exists: a data steward, a "
          + "researcher and a clinician (random passwords), the risk app, the EHR and the integrator system.",
          "DIR/directory.json (bcrypt hashes and public keys only) is for 'auth --directory'; DIR/credentials.json "
          + "(the passwords, the EHR's secret) and DIR/integrator-key.pem are readable by their owner only: hand "
          + "them to their users."})
  static final class Accounts implements Callable<Integer> {

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where to write the accounts.")
    Path dir;

    @Option(names = "--site", required = true, paramLabel = "NAME", description = "The hospital's name.")
    String site;

    @Option(names = "--resource", required = true, paramLabel = "URL",
        description = "The hospital's FHIR base URL (its risk app is registered beside it).")
    String resource;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      boolean existed = java.nio.file.Files.exists(dir.resolve("directory.json"));
      SiteAccounts accounts;
      try {
        accounts = SiteAccounts.inDirectory(dir, site, resource);
      } catch (IllegalArgumentException | AuthDirectoryException | java.io.UncheckedIOException e) {
        spec.commandLine().getErr().println("fedfhir auth accounts: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 2;
      }
      java.io.PrintWriter out = spec.commandLine().getOut();
      out.println((existed ? "kept the existing accounts: " : "made the accounts of " + site + ": ")
          + accounts.directory());
      out.println("  passwords (owner only): " + accounts.credentials() + "; integrator key (owner only): "
          + accounts.integratorKey());
      out.flush();
      return 0;
    }
  }
}
