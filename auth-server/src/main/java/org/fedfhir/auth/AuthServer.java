package org.fedfhir.auth;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.fedfhir.auth.config.AuthServerApplication;
import org.fedfhir.auth.directory.AuthDirectory;
import org.springframework.boot.Banner;
import org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.server.servlet.OAuth2AuthorizationServerJwtAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts FedFHIR's own SMART on FHIR authorisation server (Spring Authorization Server) as a
 * separate Spring application context: alone ({@code ./fedfhir auth}) or beside a hospital
 * server in the same JVM.
 *
 * <h2>Other Spring Boot applications in the same JVM</h2>
 * This jar puts Spring Security and Spring Authorization Server on the classpath. A Spring Boot
 * application that uses {@code @EnableAutoConfiguration}/{@code @SpringBootApplication} and has
 * this jar on its classpath (the hospital server, started by the same command line) would then be
 * locked down by Boot's default security (HTTP Basic with a generated password on every URL) and
 * could pick up authorisation-server or resource-server defaults. Such an application must
 * exclude {@link #AUTO_CONFIGURATIONS_TO_EXCLUDE_ELSEWHERE}:
 * <ul>
 *   <li>{@code SecurityAutoConfiguration} — Boot's default filter chain;</li>
 *   <li>{@code SecurityFilterAutoConfiguration} — registers {@code springSecurityFilterChain} as a servlet filter;</li>
 *   <li>{@code UserDetailsServiceAutoConfiguration} — the in-memory user with a generated password;</li>
 *   <li>{@code OAuth2AuthorizationServerAutoConfiguration} and
 *       {@code OAuth2AuthorizationServerJwtAutoConfiguration} — an authorisation server from
 *       {@code spring.security.oauth2.authorizationserver.*} properties and its JWK source;</li>
 *   <li>{@code OAuth2ResourceServerAutoConfiguration} — a resource server from
 *       {@code spring.security.oauth2.resourceserver.*} properties (an application that is meant to
 *       be a resource server configures its own filter chain instead).</li>
 * </ul>
 * e.g. {@code @SpringBootApplication(exclude = {…})} listing these classes, or
 * {@code spring.autoconfigure.exclude} with their names. This server itself uses no
 * {@code @EnableAutoConfiguration}: it imports a fixed list (see {@link AuthServerApplication}), and
 * reads no {@code application.properties}/{@code .yaml} (its config name is
 * {@value #CONFIG_NAME}), so the other application's settings do not reach it either.
 */
public final class AuthServer {
  /** Auto-configurations another Boot application in the same JVM must exclude (see the class documentation). */
  public static final Class<?>[] AUTO_CONFIGURATIONS_TO_EXCLUDE_ELSEWHERE = {
      SecurityAutoConfiguration.class,
      SecurityFilterAutoConfiguration.class,
      UserDetailsServiceAutoConfiguration.class,
      OAuth2AuthorizationServerAutoConfiguration.class,
      OAuth2AuthorizationServerJwtAutoConfiguration.class,
      OAuth2ResourceServerAutoConfiguration.class};

  /** Spring Boot config name of this server: it reads {@code fedfhir-auth-server.properties} only, not {@code application.*}. */
  public static final String CONFIG_NAME = "fedfhir-auth-server";

  private AuthServer() {}

  /**
   * Loads the directory, starts the server and returns its context (close it to stop). Port 0
   * picks a free port before start, so the default issuer ({@code http(s)://localhost:PORT}) is
   * known to every token. Bad settings or a bad directory fail here with a message naming them.
   */
  public static ConfigurableApplicationContext start(AuthServerSettings settings) {
    AuthServerSettings resolved = settings.port() == 0 ? settings.withPort(freePort(settings.bindAddress())) : settings;
    AuthDirectory directory = AuthDirectory.load(resolved.directory());
    Map<String, Object> props = new HashMap<>();
    props.put("spring.config.name", CONFIG_NAME);
    props.put("spring.application.name", "fedfhir-auth-server");
    props.put("spring.jmx.enabled", false);
    props.put("server.port", resolved.port());
    props.put("server.address", resolved.bindAddress());
    props.put("server.servlet.session.cookie.name", "FEDFHIR_AUTH_SESSION");
    props.put("server.error.include-message", "always");
    if (resolved.tls()) {
      props.put("server.ssl.certificate", "file:" + resolved.tlsCertificate().toAbsolutePath());
      props.put("server.ssl.certificate-private-key", "file:" + resolved.tlsPrivateKey().toAbsolutePath());
    }
    return new SpringApplicationBuilder(AuthServerApplication.class)
        .bannerMode(Banner.Mode.OFF)
        .properties(props)
        .initializers(ctx -> {
          ctx.getBeanFactory().registerSingleton("authServerSettings", resolved);
          ctx.getBeanFactory().registerSingleton("authDirectory", directory);
          ctx.getBeanFactory().registerSingleton("authServerEndpoints",
              new AuthServerEndpoints(resolved.port(), resolved.issuerUrl()));
        })
        .run();
  }

  /** Where a context returned by {@link #start(AuthServerSettings)} answers: its port and issuer. */
  public static AuthServerEndpoints endpoints(ConfigurableApplicationContext context) {
    return context.getBean(AuthServerEndpoints.class);
  }

  private static int freePort(String bindAddress) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(bindAddress))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free port on " + bindAddress + ": " + e.getMessage(), e);
    }
  }
}
