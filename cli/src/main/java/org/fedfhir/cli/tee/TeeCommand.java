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

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind. Default ${DEFAULT-VALUE}.")
  String host;

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
    SimulatedTeeService tee = SimulatedTeeService.start(host, port);
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
    System.out.println("  operations:    GET|POST $attestation?nonce=…, POST $provision-model, POST $predict");
    System.out.println("Models are held in memory only; stop with Ctrl-C.");
    tee.server().join();
    return 0;
  }
}
