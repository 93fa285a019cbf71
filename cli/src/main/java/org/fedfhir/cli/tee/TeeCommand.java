package org.fedfhir.cli.tee;

import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.fedfhir.tee.fhir.SimulatedTeeService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir tee --pki DIR [--bind ADDR] [--port P]}: runs the TEE model service
 * ({@code $attestation}, {@code $provision-model}, {@code $predict}) over mutual TLS until stopped.
 */
@Command(
    name = "tee",
    mixinStandardHelpOptions = true,
    description = {
        "Run the TEE model service: a FHIR API ($attestation, $provision-model, $predict) that holds models "
            + "only in memory and sees features and predictions only inside the service.",
        "",
        "HTTPS with mutual TLS only: callers present a certificate of the network CA naming their role (SAN urn:fedfhir:role:ROLE). "
            + "$provision-model: the aggregator; $predict: sites, within their query budgets; $attestation: "
            + "both; anything else 403. Probabilities leave rounded to the precision provisioned with the "
            + "model (3 decimals unless the study declares prediction-precision).",
        "",
        "Evidence 'simulated' signs attestation with a software key: no hardware protection, for laptops and "
            + "tests; verifiers must opt in. AWS Nitro Enclaves evidence is verified by the clients "
            + "(secure-compute) but producing it needs the enclave's /dev/nsm, not bound yet.",
        ""})
public final class TeeCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8093", description = "TCP port (0 = any free port). Default ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--lean-port", defaultValue = "0", description = "TCP port of the lean prediction path (gRPC, "
      + "same mutual TLS; sites find it in the CapabilityStatement). Default ${DEFAULT-VALUE}: any free port.")
  int leanPort;

  @Option(names = {"--bind", "--host"}, defaultValue = "127.0.0.1", paramLabel = "ADDR",
      description = "Address to bind. Default ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--pki", paramLabel = "DIR", description = "A local network's directory (./fedfhir pki init "
      + "--sites): the service serves DIR/NAME/NAME-cert.pem with its key and trusts only DIR/NAME/ca-cert.pem for callers.")
  java.nio.file.Path pki;

  @Option(names = "--name", defaultValue = "tee", paramLabel = "NAME",
      description = "The service's credentials in --pki DIR. Default ${DEFAULT-VALUE}.")
  String name;

  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "Instead of --pki: the service's certificate (with --tls-key and --ca).")
  java.nio.file.Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM",
      description = "Instead of --pki: the service's private key (PKCS#8).")
  java.nio.file.Path tlsKey;

  @Option(names = "--ca", paramLabel = "PEM",
      description = "Instead of --pki: the network CA whose certificates identify callers.")
  java.nio.file.Path ca;

  @Option(names = "--crl", paramLabel = "PEM", description = "The network CA's revocation list (default: crl.pem "
      + "beside the CA certificate, if there is one): callers on it are refused in the handshake.")
  java.nio.file.Path crl;

  @Option(names = "--budget-per-site", defaultValue = "10000", paramLabel = "N",
      description = "Predictions a site may ask of one study's model per 24 h, then 429. Default ${DEFAULT-VALUE}.")
  int budgetPerSite;

  @Option(names = "--budget-per-study", defaultValue = "100000", paramLabel = "N",
      description = "Predictions of one study's model over all sites per 24 h, then 429. Default ${DEFAULT-VALUE}.")
  int budgetPerStudy;

  @Option(names = "--max-models", defaultValue = "64", paramLabel = "N",
      description = "Studies whose models the service holds at most; a model of one more study is refused "
          + "(507), a study's new model replaces its old. Default ${DEFAULT-VALUE}.")
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
    if (budgetPerSite < 1 || budgetPerStudy < 1 || maxModels < 1) {
      System.err.println("fedfhir tee: --budget-per-site " + budgetPerSite + ", --budget-per-study " + budgetPerStudy
          + ", --max-models " + maxModels + ": each must be at least 1");
      return 2;
    }
    boolean tlsFiles = tlsCert != null || tlsKey != null || ca != null;
    if (tlsFiles && pki != null) {
      System.err.println("fedfhir tee: give either --pki DIR or --tls-cert, --tls-key and --ca, not both");
      return 2;
    }
    org.fedfhir.access.TlsSettings tls;
    try {
      tls = tls(tlsFiles);
    } catch (IllegalArgumentException e) {
      System.err.println("fedfhir tee: " + e.getMessage());
      return 2;
    }
    if (tls == null) {
      System.err.println("fedfhir tee: give --pki DIR (./fedfhir pki init writes the service's credentials) or "
          + "--tls-cert, --tls-key and --ca: the service answers only parties of the network (mutual TLS)");
      return 2;
    }
    SimulatedTeeService tee = SimulatedTeeService.start(host, port, leanPort, tls,
        new org.fedfhir.tee.fhir.QueryBudgets(budgetPerSite, budgetPerStudy, java.time.Duration.ofHours(24),
            java.time.Clock.systemUTC()), maxModels, new Object[0]);
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
    System.out.println("  lean path:     gRPC SealedPredict on port " + tee.server().leanPort()
        + " (sites; attested sessions, sealed batches; same budgets)");
    System.out.println("  mutual TLS:    callers need a certificate of the network CA; budgets " + budgetPerSite
        + " per site and " + budgetPerStudy + " per study per 24 h; at most " + maxModels + " studies' models");
    System.out.println("Models are held in memory only; stop with Ctrl-C.");
    tee.server().join();
    return 0;
  }

  /** The service's TLS from --tls-cert/--tls-key/--ca or --pki, or null if neither is given. */
  private org.fedfhir.access.TlsSettings tls(boolean tlsFiles) {
    org.fedfhir.aggregator.pki.TlsFiles files;
    if (tlsFiles) {
      files = new org.fedfhir.aggregator.pki.TlsFiles(tlsCert, tlsKey, ca);
    } else if (pki != null) {
      files = org.fedfhir.aggregator.pki.TlsFiles.inPkiDirectory(pki, name);
    } else {
      return null;
    }
    return new org.fedfhir.access.TlsSettings(files.certificate(), files.privateKey(), files.ca(),
        org.fedfhir.access.TlsSettings.ClientAuth.NEED, crl != null ? crl : files.crl());
  }
}
