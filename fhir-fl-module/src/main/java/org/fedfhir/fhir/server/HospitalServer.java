package org.fedfhir.fhir.server;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts a hospital server. {@code db} is {@code null} (H2 file under {@code data/hospitals/NAME}),
 * a file path for H2, or a JDBC URL ({@code jdbc:postgresql://…}, {@code jdbc:h2:…}). The database
 * schema is created or updated on start, so data survives a restart.
 */
public final class HospitalServer {
  private HospitalServer() {}

  public static ConfigurableApplicationContext start(int port, String name, String db, String user, String password) {
    return start(port, name, db, user, password, null, null);
  }

  /**
   * As {@link #start(int, String, String, String, String)}, joining federated studies at
   * {@code aggregator} (host:port, gRPC with mutual TLS) with the site's credentials in {@code pki}
   * ({@code ./fedfhir pki init} layout); both null: {@code $train mode=federated} answers 501.
   */
  public static ConfigurableApplicationContext start(int port, String name, String db, String user, String password,
      String aggregator, Path pki) {
    String url = jdbcUrl(name, db);
    Map<String, Object> props = new HashMap<>();
    if (aggregator != null) {
      props.put("fedfhir.aggregator", aggregator);
    }
    if (pki != null) {
      props.put("fedfhir.pki", pki.toAbsolutePath().toString());
    }
    props.put("server.port", port);
    props.put("fedfhir.site.name", name);
    props.put("spring.datasource.url", url);
    props.put("spring.datasource.username", user == null ? (url.startsWith("jdbc:h2:") ? "sa" : "") : user);
    props.put("spring.datasource.password", password == null ? "" : password);
    props.put("spring.datasource.driver-class-name",
        url.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : "org.h2.Driver");
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
