package org.fedfhir.fhir.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fedfhir.access.BindPolicy;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts a hospital server. Its database is an H2 file under {@code data/hospitals/NAME} by default,
 * an H2 file path, or a JDBC URL ({@code jdbc:postgresql://…}); the schema is created or updated on
 * start, so data survives a restart. It accepts the access tokens of {@link Options#issuer()} (and any
 * {@link Options#extraIssuers()}), binds 127.0.0.1 unless told otherwise, and serves HTTPS with
 * {@link Options#tlsCertificate()} — plain HTTP on a routable address only with
 * {@link Options#insecureHttp()}.
 */
public final class HospitalServer {
  private HospitalServer() {}

  /**
   * A hospital server's settings.
   *
   * @param db null (H2 file under {@code data/hospitals/NAME}), an H2 file path, or a JDBC URL
   * @param dbPassword from the environment or a file, never from the command line
   * @param aggregator host:port of the aggregator (gRPC, mutual TLS) or null; with {@code pki}
   * @param pki the network PKI directory holding the site's credentials, or null
   * @param issuer the authorisation server whose tokens are accepted (its {@code iss})
   * @param jwks its keys, or null for {@code ISSUER/oauth2/jwks}
   * @param extraIssuers further trusted issuers (keys at {@code ISSUER/oauth2/jwks})
   * @param audience the {@code aud} tokens must carry, or null for the URL the server answers at
   * @param rolesClaim the claim with the caller's roles, or null for {@code fedfhir_roles}
   * @param tlsCertificate PEM certificate chain for HTTPS, or null for HTTP
   * @param tlsKey PEM private key for HTTPS
   */
  public record Options(int port, String bind, String name, String db, String dbUser, String dbPassword,
      String aggregator, Path pki, String issuer, String jwks, List<String> extraIssuers, String audience,
      String rolesClaim, Path tlsCertificate, Path tlsKey, boolean insecureHttp) {

    public Options {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a hospital needs a name");
      }
      if (issuer == null || issuer.isBlank()) {
        throw new IllegalArgumentException("a hospital needs the authorisation server whose tokens it accepts");
      }
      if ((aggregator == null) != (pki == null)) {
        throw new IllegalArgumentException("the aggregator and the PKI go together: federated training needs both");
      }
      if ((tlsCertificate == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("--tls-cert and --tls-key go together");
      }
      for (Path f : new Path[] {tlsCertificate, tlsKey}) {
        if (f != null && !Files.isReadable(f)) {
          throw new IllegalArgumentException(f + " is not a readable file");
        }
      }
      bind = bind == null ? BindPolicy.LOOPBACK : bind;
      BindPolicy.check(bind, tlsCertificate != null, insecureHttp);
      extraIssuers = extraIssuers == null ? List.of() : List.copyOf(extraIssuers);
    }

    /** Loopback, H2 in the default place, no aggregator, tokens of {@code issuer}. */
    public static Options local(int port, String name, String db, String issuer) {
      return new Options(port, null, name, db, null, null, null, null, issuer, null, List.of(), null, null, null,
          null, false);
    }

    /** The FHIR base URL on loopback (scheme by TLS), e.g. {@code http://localhost:8080/fhir}. */
    public String baseUrl(int actualPort) {
      return (tlsCertificate != null ? "https" : "http") + "://localhost:" + actualPort + "/fhir";
    }
  }

  /** Starts a hospital server with these settings. */
  public static ConfigurableApplicationContext start(Options o) {
    String url = jdbcUrl(o.name(), o.db());
    Map<String, Object> props = new HashMap<>();
    if (o.aggregator() != null) {
      props.put("fedfhir.aggregator", o.aggregator());
      props.put("fedfhir.pki", o.pki().toAbsolutePath().toString());
    }
    props.put("server.port", o.port());
    props.put("server.address", o.bind());
    if (o.tlsCertificate() != null) {
      props.put("server.ssl.enabled", true);
      props.put("server.ssl.certificate", "file:" + o.tlsCertificate().toAbsolutePath());
      props.put("server.ssl.certificate-private-key", "file:" + o.tlsKey().toAbsolutePath());
    }
    props.put("fedfhir.security.issuer", o.issuer());
    if (o.jwks() != null) {
      props.put("fedfhir.security.jwks", o.jwks());
    }
    props.put("fedfhir.security.extra-issuers", String.join(",", o.extraIssuers()));
    if (o.audience() != null) {
      props.put("fedfhir.security.audience", o.audience());
    }
    if (o.rolesClaim() != null) {
      props.put("fedfhir.security.roles-claim", o.rolesClaim());
    }
    props.put("fedfhir.site.name", o.name());
    props.put("spring.datasource.url", url);
    props.put("spring.datasource.username", o.dbUser() == null ? (url.startsWith("jdbc:h2:") ? "sa" : "") : o.dbUser());
    props.put("spring.datasource.password", o.dbPassword() == null ? "" : o.dbPassword());
    props.put("spring.datasource.driver-class-name",
        url.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : "org.h2.Driver");
    if (url.startsWith("jdbc:postgresql:")) {
      // a JDBC batch of index rows becomes one multi-row INSERT instead of a statement per row
      props.put("spring.datasource.hikari.data-source-properties.reWriteBatchedInserts", "true");
    }
    props.put("spring.main.allow-bean-definition-overriding", true);
    props.put("spring.main.allow-circular-references", true);
    props.put("spring.flyway.enabled", false);
    props.put("spring.main.banner-mode", "off");
    SpringApplication app = new SpringApplication(HospitalServerApplication.class);
    app.setDefaultProperties(props);
    return app.run();
  }

  static String jdbcUrl(String name, String db) {
    if (db != null && db.startsWith("jdbc:")) {
      return db;
    }
    Path file = db == null ? Path.of("data", "hospitals", name, "fhir") : Path.of(db);
    return "jdbc:h2:file:" + file.toAbsolutePath() + ";AUTO_SERVER=FALSE";
  }
}
