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

  @Override
  public Integer call() throws Exception {
    if ((aggregator == null) != (pki == null)) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--aggregator and --pki go together: federated training needs both");
    }
    String pw = password != null ? password : System.getenv("FEDFHIR_DB_PASSWORD");
    ConfigurableApplicationContext ctx = HospitalServer.start(port, name, db, user, pw, aggregator, pki);
    if (aggregator != null) {
      System.out.println("hospital " + name + " joins federated studies at " + aggregator + " (mutual TLS, " + pki + ")");
    }
    System.out.println("hospital " + name + " ready: http://localhost:" + port + "/fhir");
    Runtime.getRuntime().addShutdownHook(new Thread(ctx::close));
    Thread.currentThread().join();
    return 0;
  }
}
