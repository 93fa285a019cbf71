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
    description = {
        "Run FedFHIR's SMART on FHIR authorisation server (App Launch 2.2 and Backend Services) for",
        "hospitals that do not plug in their own issuer. Users and clients come from the directory file."})
public final class AuthCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "9000", description = "TCP port (0 = any free port). Default ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--bind", defaultValue = AuthServerSettings.DEFAULT_BIND_ADDRESS,
      description = "Address to listen on. Default ${DEFAULT-VALUE}.")
  String bind;

  @Option(names = "--issuer", description = "Issuer URL (iss). Default http(s)://localhost:PORT.")
  String issuer;

  @Option(names = "--directory", required = true, description = "JSON file of users and clients.")
  Path directory;

  @Option(names = "--resource", required = true,
      description = "FHIR base URL tokens are issued for (the aud); repeat for each server.")
  List<String> resources;

  @Option(names = "--token-lifetime", defaultValue = "PT5M",
      description = "Access-token lifetime, ISO-8601 (PT5M). Default ${DEFAULT-VALUE}.")
  Duration lifetime;

  @Option(names = "--tls-cert", description = "PEM certificate (chain) for HTTPS.")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key of --tls-cert.")
  Path tlsKey;

  @Override
  public Integer call() throws Exception {
    AuthServerSettings settings;
    try {
      settings = new AuthServerSettings(bind, port, issuer, directory, resources, lifetime, tlsCert, tlsKey);
    } catch (IllegalArgumentException | NullPointerException e) {
      System.err.println("fedfhir auth: " + e.getMessage());
      return 2;
    }
    ConfigurableApplicationContext server;
    try {
      server = AuthServer.start(settings);
    } catch (AuthDirectoryException e) {
      System.err.println("fedfhir auth: " + e.getMessage());
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
}
