package org.fedfhir.cli.tee;

import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.fedfhir.tee.fhir.SimulatedTeeService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir tee --port P [--evidence simulated]}: runs the TEE model service
 * ({@code $attestation}, {@code $provision-model}, {@code $predict}) until stopped.
 */
@Command(
    name = "tee",
    mixinStandardHelpOptions = true,
    description = {
        "Run the TEE model service: a FHIR API ($attestation, $provision-model, $predict) that holds",
        "models only in memory and sees features and predictions only inside the service.",
        "Evidence 'simulated' signs attestation with a software key: no hardware protection, for",
        "laptops and tests; verifiers must opt in. AWS Nitro Enclaves evidence is verified by the",
        "clients (secure-compute) but producing it needs the enclave's /dev/nsm, not bound yet."})
public final class TeeCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8093", description = "TCP port (0 = any free port). Default ${DEFAULT-VALUE}.")
  int port;

  @Option(names = {"--bind", "--host"}, defaultValue = "127.0.0.1", description = "Address to bind. Default ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--pki", paramLabel = "DIR", description = "The network PKI directory holding NAME-cert.pem, "
      + "NAME-key.pem and ca-cert.pem (./fedfhir pki init writes tee's). Mutual TLS: sites and the aggregator "
      + "present certificates of that CA.")
  java.nio.file.Path pki;

  @Option(names = "--name", defaultValue = "tee", description = "The service's name in the PKI (default ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Or: the service's certificate…")
  java.nio.file.Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "…its private key…")
  java.nio.file.Path tlsKey;

  @Option(names = "--ca", paramLabel = "PEM", description = "…and the network CA whose certificates identify callers.")
  java.nio.file.Path ca;

  @Option(names = "--budget-per-site", defaultValue = "10000",
      description = "Predictions a site may ask of one study's model per 24 h (default ${DEFAULT-VALUE}; then 429).")
  int budgetPerSite;

  @Option(names = "--budget-per-study", defaultValue = "100000",
      description = "Predictions of one study's model over all sites per 24 h (default ${DEFAULT-VALUE}).")
  int budgetPerStudy;

  @Option(names = "--max-models", defaultValue = "64",
      description = "Studies whose models the service holds at most (default ${DEFAULT-VALUE}; then 507).")
  int maxModels;

  @Option(names = "--evidence", defaultValue = "simulated",
      description = "Evidence format: simulated (the only one this build can produce). Default ${DEFAULT-VALUE}.")
  String evidence;

  @Override
  public Integer call() throws Exception {
    if (!"simulated".equals(evidence)) {
      System.err.println("fedfhir tee: evidence '" + evidence + "' cannot be produced here: AWS Nitro Enclaves"
          + " documents come from the enclave's Nitro Secure Module (/dev/nsm), for which FedFHIR has no binding"
          + " yet. Use --evidence simulated.");
      return 2;
    }
    org.fedfhir.access.TlsSettings tls;
    if (tlsCert != null || tlsKey != null || ca != null) {
      tls = new org.fedfhir.access.TlsSettings(tlsCert, tlsKey, ca, org.fedfhir.access.TlsSettings.ClientAuth.NEED);
    } else if (pki != null) {
      tls = new org.fedfhir.access.TlsSettings(org.fedfhir.aggregator.pki.PkiDirectory.certificateFile(pki, name),
          org.fedfhir.aggregator.pki.PkiDirectory.keyFile(pki, name),
          org.fedfhir.aggregator.pki.PkiDirectory.caCertificateFile(pki), org.fedfhir.access.TlsSettings.ClientAuth.NEED);
    } else {
      System.err.println("fedfhir tee: give --pki DIR (./fedfhir pki init writes the service's credentials) or "
          + "--tls-cert, --tls-key and --ca: the service answers only parties of the network (mutual TLS)");
      return 2;
    }
    SimulatedTeeService tee = SimulatedTeeService.start(host, port, tls, new org.fedfhir.tee.fhir.QueryBudgets(
        budgetPerSite, budgetPerStudy, java.time.Duration.ofHours(24), java.time.Clock.systemUTC()), maxModels,
        new Object[0]);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        tee.close();
      } catch (Exception ignored) {
        // shutting down
      }
    }));
    System.out.println("TEE model service: " + tee.server().baseUrl());
    System.out.println("  evidence:      simulated (software platform key: NO hardware protection; verifiers must opt in)");
    System.out.println("  measurement:   " + tee.measurement().hex());
    System.out.println("  platform key:  " + HexFormat.of().formatHex(tee.platformPublicKey()) + " (Ed25519, new at every start)");
    System.out.println("  operations:    $attestation (sites, aggregator), $provision-model (aggregator), $predict (sites)");
    System.out.println("  mutual TLS:    callers need a certificate of the network CA; budgets " + budgetPerSite
        + " per site and " + budgetPerStudy + " per study per 24 h; at most " + maxModels + " studies' models");
    System.out.println("Models are held in memory only; stop with Ctrl-C.");
    tee.server().join();
    return 0;
  }
}
