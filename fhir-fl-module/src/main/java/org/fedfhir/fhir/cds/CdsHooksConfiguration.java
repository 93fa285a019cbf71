package org.fedfhir.fhir.cds;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.fedfhir.fhir.plugin.InferOperationProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The hospital's CDS Hooks service ({@link CdsSettings} from {@code fedfhir.cds.*}): the servlet at
 * {@value CdsHooksServlet#PATH}, on {@code $infer}'s InferenceService, and a security chain of its own
 * that leaves authentication to the servlet (the EHR's signed JWT, not a hospital access token).
 */
@Configuration(proxyBeanMethods = false)
public class CdsHooksConfiguration {

  @Bean
  public CdsSettings fedfhirCdsSettings(Environment env, @Value("${fedfhir.cds.study:}") String study,
      @Value("${fedfhir.cds.bands:0.2,0.5}") String bands, @Value("${fedfhir.cds.base-url:}") String baseUrl) {
    List<CdsSettings.Ehr> ehrs = new ArrayList<>();
    for (int i = 0; env.containsProperty("fedfhir.cds.ehrs[" + i + "].issuer"); i++) {
      String jwks = env.getProperty("fedfhir.cds.ehrs[" + i + "].jwks-url");
      ehrs.add(new CdsSettings.Ehr(env.getProperty("fedfhir.cds.ehrs[" + i + "].issuer"),
          jwks == null ? null : URI.create(jwks)));
    }
    double[] b = CdsSettings.bands(bands);
    return new CdsSettings(ehrs, study, b[0], b[1], () -> baseUrl.isBlank() ? servedOrigin(env)
        : baseUrl.replaceAll("/+$", ""));
  }

  /** The origin this server answers at on loopback, once its port is known. */
  static String servedOrigin(Environment env) {
    boolean tls = env.getProperty("server.ssl.enabled", Boolean.class, false);
    return (tls ? "https" : "http") + "://localhost:" + env.getProperty("local.server.port",
        env.getProperty("server.port", "8080"));
  }

  @Bean
  public ServletRegistrationBean<CdsHooksServlet> cdsHooksServlet(CdsSettings settings,
      InferOperationProvider infer) {
    CdsHooksServlet servlet = new CdsHooksServlet(new RiskCards(infer.service(), settings),
        new EhrJwtVerifier(settings.ehrs(), Clock.systemUTC()), settings);
    return new ServletRegistrationBean<>(servlet, CdsHooksServlet.PATH, CdsHooksServlet.PATH + "/*");
  }

  /** {@value CdsHooksServlet#PATH}: no session, no CSRF token, no hospital access token; the servlet checks the EHR's JWT. */
  @Bean
  @Order(1)
  public SecurityFilterChain cdsHooksSecurity(HttpSecurity http) throws Exception {
    // a path matcher on the request URI: the servlet is not Spring MVC's, so MVC matchers would not see it
    http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher(CdsHooksServlet.PATH + "/**"))
        .csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(a -> a.anyRequest().permitAll());
    return http.build();
  }
}
