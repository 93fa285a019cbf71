package org.fedfhir.cli.hospital;

import java.util.concurrent.Callable;
import org.fedfhir.cli.auth.LocalAuthServer;
import org.fedfhir.cli.auth.SiteAccounts;
import org.fedfhir.fhir.server.HospitalServer;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./fedfhir hospital}: a hospital's HAPI FHIR JPA server with the FedFHIR plugin. */
@Command(name = "hospital", mixinStandardHelpOptions = true,
    description = {"Run a hospital's FHIR server (HAPI FHIR JPA, R4) with the FedFHIR plugin at "
        + "http://localhost:PORT/fhir.",
        "Every request needs an access token: from --oauth-issuer (the hospital's own Keycloak or EHR), or by default "
        + "from FedFHIR's SMART authorisation server started beside it (accounts in --auth-dir, made on first start)."})
public final class HospitalCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--name", required = true, description = "The site's name (audit records, default H2 file).")
  String name;

  @Option(names = "--db", description = "H2 file path, or a JDBC URL (jdbc:postgresql://host/db). "
      + "Default: H2 file data/hospitals/NAME/fhir.")
  String db;

  @picocli.CommandLine.Mixin
  org.fedfhir.cli.DatabaseLogin login = new org.fedfhir.cli.DatabaseLogin();

  @Option(names = "--bind", defaultValue = "127.0.0.1",
      description = "Address to listen on (default ${DEFAULT-VALUE}); a routable one needs TLS or --insecure-http.")
  String bind;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate chain.")
  java.nio.file.Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert (PKCS#8).")
  java.nio.file.Path tlsKey;

  @Option(names = "--insecure-http",
      description = "Allow plain HTTP on a routable --bind (only behind a TLS-terminating proxy).")
  boolean insecureHttp;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @picocli.CommandLine.Mixin
  org.fedfhir.cli.auth.IssuerOptions oauth = new org.fedfhir.cli.auth.IssuerOptions();

  @Option(names = "--base-url", paramLabel = "URL",
      description = "The FHIR base URL clients use (the tokens' aud), if not http(s)://localhost:PORT/fhir (a proxy).")
  String baseUrl;

  @Option(names = "--auth-port", defaultValue = "0",
      description = "Port of FedFHIR's own authorisation server (without --oauth-issuer; default: a free port).")
  int authPort;

  @Option(names = "--auth-dir", paramLabel = "DIR",
      description = "Its users and clients (directory.json; made on first start with credentials.json and "
          + "integrator-key.pem, owner-only). Default data/hospitals/NAME/auth.")
  java.nio.file.Path authDir;

  @Option(names = "--aggregator", paramLabel = "HOST:PORT",
      description = "The aggregator's gRPC endpoint for $train mode=federated (mutual TLS; needs --pki).")
  String aggregator;

  @Option(names = "--pki", paramLabel = "DIR",
      description = "The network PKI directory (./fedfhir pki init) holding NAME-cert.pem, NAME-key.pem, ca-cert.pem.")
  java.nio.file.Path pki;

  @Option(names = "--tee", paramLabel = "URL",
      description = "The TEE model service for $infer (FHIR base URL, e.g. http://localhost:8093/fhir).")
  String tee;

  @Option(names = "--tee-measurement", paramLabel = "HEX",
      description = "A trusted measurement of the TEE model service (repeatable; ./fedfhir tee prints it).")
  java.util.List<String> teeMeasurements = new java.util.ArrayList<>();

  @Option(names = "--tee-platform-key", paramLabel = "HEX",
      description = "Trust SIMULATED evidence signed by this Ed25519 platform key (repeatable; no hardware protection).")
  java.util.List<String> teePlatformKeys = new java.util.ArrayList<>();

  @Option(names = "--tee-allow-simulated",
      description = "Trust SIMULATED evidence from any platform key (laptop demos only).")
  boolean teeAllowSimulated;

  @Option(names = "--tee-nitro-root", paramLabel = "PEM",
      description = "AWS Nitro Enclaves root certificate: accept Nitro attestation documents chaining to it.")
  java.nio.file.Path teeNitroRoot;

  @Option(names = "--tee-models", paramLabel = "FILE",
      description = "The models file the aggregator writes after provisioning (study → model digest); re-read on change.")
  java.nio.file.Path teeModels;

  /** The {@code fedfhir.tee.*} properties of the $infer configuration, as system properties for Spring. */
  void applyTeeProperties() {
    if (tee == null) {
      return;
    }
    System.setProperty("fedfhir.tee.url", tee);
    System.setProperty("fedfhir.tee.measurements", String.join(",", teeMeasurements));
    System.setProperty("fedfhir.tee.platform-keys", String.join(",", teePlatformKeys));
    System.setProperty("fedfhir.tee.allow-simulated", Boolean.toString(teeAllowSimulated));
    if (teeNitroRoot != null) {
      System.setProperty("fedfhir.tee.nitro-root", teeNitroRoot.toAbsolutePath().toString());
    }
    if (teeModels != null) {
      System.setProperty("fedfhir.tee.models", teeModels.toAbsolutePath().toString());
    }
  }

  @Override
  public Integer call() throws Exception {
    applyTeeProperties();
    String pw = login.password();
    String base = baseUrl != null ? baseUrl
        : (tlsCert != null ? "https" : "http") + "://localhost:" + port + "/fhir";
    LocalAuthServer auth = null;
    String issuer = oauth.issuer();
    if (issuer == null) {
      java.nio.file.Path dir = authDir != null ? authDir : java.nio.file.Path.of("data", "hospitals", name, "auth");
      auth = LocalAuthServer.start(SiteAccounts.inDirectory(dir, name, base), bind, authPort, base);
    }
    HospitalServer.Options options;
    try {
      options = new HospitalServer.Options(port, bind, name, db, login.user(), pw, aggregator, pki,
          auth != null ? auth.issuer() : issuer, oauth.jwks(), java.util.List.of(), baseUrl, oauth.rolesClaim(), tlsCert, tlsKey,
          insecureHttp);
    } catch (IllegalArgumentException e) {
      if (auth != null) {
        auth.close();
      }
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    ConfigurableApplicationContext ctx = HospitalServer.start(options);
    if (auth != null) {
      System.out.println("hospital " + name + " accepts tokens of FedFHIR's authorisation server at " + auth.issuer()
          + " (accounts: " + auth.accounts().credentials() + ")");
    } else {
      System.out.println("hospital " + name + " accepts tokens of " + issuer);
    }
    if (aggregator != null) {
      System.out.println("hospital " + name + " joins federated studies at " + aggregator + " (mutual TLS, " + pki + ")");
    }
    if (tee != null) {
      System.out.println("hospital " + name + " runs $infer through the TEE at " + tee
          + (teeModels == null ? " (no --tee-models file: no study has a model yet)" : " with models from " + teeModels));
    }
    System.out.println("hospital " + name + " ready: " + base);
    org.fedfhir.cli.ehr.EhrLaunchSimulator ehr = null;
    if (auth != null) {
      ehr = org.fedfhir.cli.ehr.EhrLaunchSimulator.start(java.util.List.of(new org.fedfhir.cli.ehr.EhrLaunchSimulator.Site(
          name, base, auth.issuer(), auth.accounts(), auth.integratorTokens(base))), 0);
      System.out.println("clinicians' risk app: " + SiteAccounts.riskAppBase(base) + "launch.html; an EHR launch "
          + "simulator on this machine: " + ehr.url());
    }
    LocalAuthServer started = auth;
    org.fedfhir.cli.ehr.EhrLaunchSimulator simulator = ehr;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (simulator != null) {
        simulator.close();
      }
      ctx.close();
      if (started != null) {
        started.close();
      }
    }));
    Thread.currentThread().join();
    return 0;
  }
}
