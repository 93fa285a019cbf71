package org.fedfhir.cli.hospital;

import java.util.concurrent.Callable;
import org.fedfhir.fhir.server.HospitalServer;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./fedfhir hospital}: a hospital's HAPI FHIR JPA server with the FedFHIR plugin. */
@Command(name = "hospital", mixinStandardHelpOptions = true,
    description = "Run a hospital's FHIR server (HAPI FHIR JPA, R4) with the FedFHIR plugin at "
        + "http://localhost:PORT/fhir.")
public final class HospitalCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--name", required = true, description = "The site's name (audit records, default H2 file).")
  String name;

  @Option(names = "--db", description = "H2 file path, or a JDBC URL (jdbc:postgresql://host/db). "
      + "Default: H2 file data/hospitals/NAME/fhir.")
  String db;

  @Option(names = "--db-user", description = "Database user (PostgreSQL).")
  String user;

  @Option(names = "--db-password", description = "Database password (PostgreSQL); or env FEDFHIR_DB_PASSWORD.")
  String password;

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
    if ((aggregator == null) != (pki == null)) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--aggregator and --pki go together: federated training needs both");
    }
    String pw = password != null ? password : System.getenv("FEDFHIR_DB_PASSWORD");
    ConfigurableApplicationContext ctx = HospitalServer.start(port, name, db, user, pw, aggregator, pki);
    if (aggregator != null) {
      System.out.println("hospital " + name + " joins federated studies at " + aggregator + " (mutual TLS, " + pki + ")");
    }
    if (tee != null) {
      System.out.println("hospital " + name + " runs $infer through the TEE at " + tee
          + (teeModels == null ? " (no --tee-models file: no study has a model yet)" : " with models from " + teeModels));
    }
    System.out.println("hospital " + name + " ready: http://localhost:" + port + "/fhir");
    Runtime.getRuntime().addShutdownHook(new Thread(ctx::close));
    Thread.currentThread().join();
    return 0;
  }
}
