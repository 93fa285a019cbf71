package org.fedfhir.cli.aggregator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.fedfhir.aggregator.config.AggregatorApplication;
import org.fedfhir.aggregator.config.AggregatorConfiguration.FederationServer;
import org.fedfhir.aggregator.config.AggregatorSettings;
import org.fedfhir.aggregator.pki.PartyName;
import org.fedfhir.aggregator.pki.TlsFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./fedfhir aggregator --port P [--db …] [--pki DIR | --cert --key --ca]}. */
@Command(
    name = "aggregator",
    mixinStandardHelpOptions = true,
    description = {"Run the aggregator: sites connect to it over gRPC with mutual TLS and it runs the "
        + "studies' rounds with secure aggregation.",
        "Researchers publish studies (PUT PlanDefinition/ID), retire them (DELETE) and ask for statistics "
        + "releases (POST PlanDefinition/ID/$secure-stats) at its FHIR endpoint: HTTPS on --fhir-bind:--fhir-port "
        + "with the aggregator's certificate, each caller a researcher (client certificate with role researcher, or "
        + "a token of --oauth-issuer with the researcher role). Only a study's owner, whoever first published it, "
        + "may replace or retire it or receive its releases; sites' certificates may read studies."})
public final class AggregatorCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "7443", paramLabel = "PORT",
      description = "gRPC port sites connect to (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address of the gRPC server (default: ${DEFAULT-VALUE}; 0.0.0.0: every interface). "
          + "The FHIR endpoint has its own, --fhir-bind.")
  String bind;

  @Option(names = "--db", defaultValue = "data/aggregator/aggregator", paramLabel = "H2-FILE|JDBC-URL",
      description = "H2 database file (default: ${DEFAULT-VALUE}) or a JDBC URL, e.g. "
          + "jdbc:postgresql://host/db (with --db-user and --db-password-file)")
  String db;

  @CommandLine.Mixin
  org.fedfhir.cli.DatabaseLogin login = new org.fedfhir.cli.DatabaseLogin();

  @Option(names = "--pki", defaultValue = "pki", paramLabel = "DIR",
      description = "A local network's directory ('pki init --sites'; default: ${DEFAULT-VALUE}): the aggregator's "
          + "files in DIR/aggregator. Ignored with --cert.")
  Path pki;

  @Option(names = "--cert", paramLabel = "PEM", description = "The aggregator's certificate.")
  Path cert;

  @Option(names = "--key", paramLabel = "PEM", description = "The aggregator's PKCS#8 private key.")
  Path key;

  @Option(names = "--ca", paramLabel = "PEM", description = "The network CA's certificate.")
  Path ca;

  @Option(names = "--crl", paramLabel = "PEM", description = "The network CA's revocation list (default: crl.pem "
      + "beside the CA certificate, if there is one): sites and researchers on it are refused in the handshake.")
  Path crl;

  @Option(names = "--fhir-port", defaultValue = "8090", paramLabel = "PORT",
      description = "Port of the FHIR endpoint where researchers publish studies (default: ${DEFAULT-VALUE}; "
          + "-1 for none). HTTPS with the aggregator's certificate (--pki or --cert/--key), asking for a client "
          + "certificate of the network CA (--ca): a researcher's has the role researcher (pki request --role "
          + "researcher, signed by the operator).")
  int fhirPort;

  @Option(names = "--fhir-bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address of the FHIR endpoint, independent of --bind (default: ${DEFAULT-VALUE}; "
          + "0.0.0.0: every interface).")
  String fhirBind;

  @Option(names = "--fhir-insecure-http",
      description = "Serve the FHIR endpoint over plain HTTP instead of HTTPS, e.g. behind a TLS-terminating "
          + "proxy (then no client certificates: researchers need tokens). Without it, never plain HTTP.")
  boolean fhirInsecureHttp;

  @CommandLine.Mixin
  org.fedfhir.cli.auth.IssuerOptions oauth = new org.fedfhir.cli.auth.IssuerOptions();

  @Option(names = "--fhir-base-url", paramLabel = "URL",
      description = "The FHIR endpoint's URL as researchers call it, which their tokens must name as audience "
          + "(aud), e.g. behind a proxy (default: https://localhost:PORT/fhir).")
  String fhirBaseUrl;

  @Option(names = "--stage-timeout", defaultValue = "PT60S",
      description = "How long a protocol stage waits for sites, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration stageTimeout;

  @Option(names = "--tee", paramLabel = "URL",
      description = "Provision each finished study's model into this TEE model service (FHIR base URL).")
  String tee;

  @Option(names = "--tee-measurement", paramLabel = "HEX",
      description = "A trusted measurement of the TEE model service (repeatable; ./fedfhir tee prints it).")
  java.util.List<String> teeMeasurements = new java.util.ArrayList<>();

  @Option(names = "--tee-platform-key", paramLabel = "HEX",
      description = "Trust SIMULATED evidence signed by this Ed25519 platform key (repeatable; no hardware protection).")
  java.util.List<String> teePlatformKeys = new java.util.ArrayList<>();

  @Option(names = "--tee-allow-simulated", description = "Trust SIMULATED evidence from any platform key (demos only).")
  boolean teeAllowSimulated;

  @Option(names = "--tee-nitro-root", paramLabel = "PEM", description = "AWS Nitro Enclaves root certificate.")
  Path teeNitroRoot;

  @Option(names = "--tee-models-file", paramLabel = "FILE",
      description = "Write which model digest serves which study here after provisioning (hospitals: --tee-models).")
  Path teeModelsFile;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    TlsFiles tls;
    if (cert != null || key != null || ca != null) {
      if (cert == null || key == null || ca == null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--cert, --key and --ca go together");
      }
      tls = crl == null ? new TlsFiles(cert, key, ca) : new TlsFiles(cert, key, ca, crl);
    } else {
      TlsFiles own = TlsFiles.inPkiDirectory(pki, PartyName.AGGREGATOR);
      tls = crl == null ? own : new TlsFiles(own.certificate(), own.privateKey(), own.ca(), crl);
    }
    org.fedfhir.aggregator.provisioning.ProvisioningSettings provisioning = null;
    if (tee != null) {
      provisioning = new org.fedfhir.aggregator.provisioning.ProvisioningSettings(tee, teeMeasurements,
          teePlatformKeys, teeAllowSimulated, teeNitroRoot, teeModelsFile);
      try {
        provisioning.policy();
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    java.util.List<org.fedfhir.access.TrustedIssuer> issuers = new java.util.ArrayList<>();
    String audience = fhirBaseUrl != null ? fhirBaseUrl
        : (fhirInsecureHttp ? "http" : "https") + "://localhost:" + fhirPort + "/fhir";
    if (oauth.issuer() != null) {
      issuers.add(oauth.trusted(audience));
    }
    AggregatorSettings.FhirEndpoint fhir;
    try {
      fhir = new AggregatorSettings.FhirEndpoint(fhirBind, fhirPort, fhirInsecureHttp, issuers);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    AggregatorSettings settings = new AggregatorSettings(bind, port, db, tls, stageTimeout, fhir, login.user(),
        login.password());
    var context = AggregatorApplication.start(settings, provisioning);
    context.getBean(FederationServer.class).awaitTermination();
    return 0;
  }
}
