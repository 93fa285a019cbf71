package org.fedfhir.aggregator.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.fedfhir.aggregator.pki.TlsFiles;

/**
 * How to run the aggregator.
 *
 * @param bindAddress address to listen on (127.0.0.1 for a local network)
 * @param port TCP port of the gRPC server, 1–65535 (0 picks a free one)
 * @param database an H2 file path (default) or a JDBC URL ({@code jdbc:postgresql://…})
 * @param tls the aggregator's certificate, key and the network CA
 * @param stageTimeout how long a protocol stage waits for sites before they count as dropped out
 * @param fhir the FHIR endpoint where researchers publish studies, or {@link FhirEndpoint#NONE}
 * @param databaseUser the database user (PostgreSQL), or null: none, or in the JDBC URL
 * @param databasePassword its password, from a file or the environment, never the command line; or null
 */
public record AggregatorSettings(String bindAddress, int port, String database, TlsFiles tls,
    Duration stageTimeout, FhirEndpoint fhir, String databaseUser, String databasePassword) {

  /**
   * The aggregator's FHIR endpoint: its own address and port (never the gRPC server's), HTTPS with the
   * aggregator's certificate unless {@code insecureHttp}, researchers' tokens from {@code issuers}.
   *
   * @param port 0 picks a free one, −1 runs none
   */
  public record FhirEndpoint(String bind, int port, boolean insecureHttp,
      java.util.List<org.fedfhir.access.TrustedIssuer> issuers) {

    /** No FHIR endpoint. */
    public static final FhirEndpoint NONE = new FhirEndpoint("127.0.0.1", -1, false, java.util.List.of());

    public FhirEndpoint {
      Objects.requireNonNull(bind, "bind");
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException("FHIR port " + port + "; need 0–65535, or -1 for none");
      }
      issuers = java.util.List.copyOf(issuers);
      if (port >= 0) {
        org.fedfhir.access.BindPolicy.check(bind, !insecureHttp, insecureHttp);
      }
    }

    /** On loopback, HTTPS, researchers authenticated by client certificate only. */
    public static FhirEndpoint loopback(int port) {
      return new FhirEndpoint("127.0.0.1", port, false, java.util.List.of());
    }
  }

  /** Settings whose database needs no user and password apart from the JDBC URL's (H2). */
  public AggregatorSettings(String bindAddress, int port, String database, TlsFiles tls, Duration stageTimeout,
      FhirEndpoint fhir) {
    this(bindAddress, port, database, tls, stageTimeout, fhir, null, null);
  }

  public AggregatorSettings {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(tls, "tls");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + "; need 0–65535");
    }
    Objects.requireNonNull(fhir, "fhir");
    if (database == null || database.isBlank()) {
      throw new IllegalArgumentException("database is required: an H2 file path or a JDBC URL");
    }
    if (stageTimeout.isNegative() || stageTimeout.isZero()) {
      throw new IllegalArgumentException("stage timeout " + stageTimeout + "; need > 0");
    }
  }

  /**
   * The JDBC URL: the database as given if it is one, else an H2 file database at that path that
   * flushes every commit to disk.
   */
  public String jdbcUrl() {
    return jdbcUrl(database);
  }

  private static String jdbcUrl(String database) {
    if (database.startsWith("jdbc:")) {
      return database;
    }
    // WRITE_DELAY=0: a commit is on disk when it returns, so a crash loses no completed round.
    return "jdbc:h2:file:" + Path.of(database).toAbsolutePath().normalize() + ";WRITE_DELAY=0";
  }

  /** Spring's data source settings for this database: {@link #dataSource(String, String, String)}. */
  public Map<String, Object> dataSource() {
    return dataSource(database, databaseUser, databasePassword);
  }

  /**
   * Spring's data source and JPA settings for the aggregator's database, as the aggregator opens it:
   * the JDBC URL ({@link #jdbcUrl()}), the user and password if given, the schema created or updated
   * on start.
   *
   * @param database an H2 file path or a JDBC URL
   */
  public static Map<String, Object> dataSource(String database, String user, String password) {
    Map<String, Object> p = new HashMap<>();
    p.put("spring.datasource.url", jdbcUrl(database));
    if (user != null) {
      p.put("spring.datasource.username", user);
    }
    if (password != null) {
      p.put("spring.datasource.password", password);
    }
    p.put("spring.jpa.hibernate.ddl-auto", "update");
    p.put("spring.jpa.open-in-view", "false");
    return p;
  }

  /** Without the database password. */
  @Override
  public String toString() {
    return "AggregatorSettings[bind " + bindAddress + ":" + port + ", database " + jdbcUrl()
        + (databaseUser == null ? "" : " as " + databaseUser) + ", stage timeout " + stageTimeout + ", fhir " + fhir + "]";
  }
}
