package org.fedfhir.fhir.access;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.fedfhir.access.Caller;
import org.fedfhir.access.Callers;
import org.fedfhir.access.TokenClaims;
import org.fedfhir.fhir.audit.Requester;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerAuthenticationManagerResolver;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;

/**
 * The hospital server as an OAuth2 resource server (Spring Security): a bearer token, if present, must
 * be a JWT signed by the configured issuer's keys, for this server's audience, unexpired — otherwise
 * 401 with an {@code OperationOutcome}, audited. What a valid token allows is decided by
 * {@link SmartRules} inside HAPI; outside {@code /fhir} only the static files of the clinicians' risk
 * app ({@code /apps/risk/}) are served.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class HospitalSecurityConfiguration {

  @Bean
  public HospitalAccessSettings hospitalAccessSettings(Environment env,
      @Value("${fedfhir.security.issuer:}") String issuer, @Value("${fedfhir.security.jwks:}") String jwks,
      @Value("${fedfhir.security.extra-issuers:}") List<String> extraIssuers,
      @Value("${fedfhir.security.audience:}") String audience,
      @Value("${fedfhir.security.roles-claim:" + TokenClaims.ROLES_CLAIM + "}") String rolesClaim) {
    return new HospitalAccessSettings(issuer, jwks.isBlank() ? null : URI.create(jwks),
        extraIssuers.stream().filter(i -> !i.isBlank()).toList(), () -> audience.isBlank() ? servedBaseUrl(env) : audience, rolesClaim);
  }

  /** The FHIR base URL this server answers at on loopback, once its port is known. */
  static String servedBaseUrl(Environment env) {
    boolean tls = env.getProperty("server.ssl.enabled", Boolean.class, false);
    return (tls ? "https" : "http") + "://localhost:" + env.getProperty("local.server.port",
        env.getProperty("server.port", "8080")) + "/fhir";
  }

  /**
   * One JWT authentication per trusted issuer, chosen by the token's {@code iss}; a token of any other
   * issuer is refused before its signature is even looked at.
   */
  @Bean
  public JwtIssuerAuthenticationManagerResolver hospitalTokenIssuers(HospitalAccessSettings settings) {
    java.util.Map<String, AuthenticationManager> managers = new java.util.HashMap<>();
    settings.keysByIssuer().forEach((issuer, jwks) -> managers.put(issuer,
        new JwtAuthenticationProvider(decoder(issuer, jwks, settings))::authenticate));
    return new JwtIssuerAuthenticationManagerResolver(managers::get);
  }

  static JwtDecoder decoder(String issuer, URI jwks, HospitalAccessSettings settings) {
    NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwks.toString())
        .jwsAlgorithms(a -> a.addAll(List.of(SignatureAlgorithm.RS256, SignatureAlgorithm.RS384,
            SignatureAlgorithm.ES256, SignatureAlgorithm.ES384, SignatureAlgorithm.PS256)))
        .build();
    OAuth2TokenValidator<Jwt> audience = jwt -> jwt.getAudience() != null
        && jwt.getAudience().contains(settings.audience().get())
        ? OAuth2TokenValidatorResult.success()
        : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
            "the token is not for this server (aud must contain " + settings.audience().get() + ")", null));
    decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
        JwtValidators.createDefaultWithIssuer(issuer), audience));
    return decoder;
  }

  @Bean
  public AccessAudit fedfhirAccessAudit(DaoRegistry daos, @Value("${fedfhir.site.name:hospital}") String site) {
    return new AccessAudit(daos, site);
  }

  @Bean
  public SmartConfiguration fedfhirSmartConfiguration(HospitalAccessSettings settings) {
    return new SmartConfiguration(settings.issuer(),
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  /** The HAPI rules from each request's token (registered on the RestfulServer). */
  @Bean
  public SmartRules fedfhirSmartRules(HospitalAccessSettings settings) {
    return new SmartRules(request -> {
      if (request instanceof ServletRequestDetails servlet) {
        Callers.setAddress(request, servlet.getServletRequest().getRemoteAddr());
      }
      return Optional.ofNullable(SecurityContextHolder.getContext().getAuthentication())
          .filter(JwtAuthenticationToken.class::isInstance)
          .map(a -> (Caller) TokenClaims.caller(((JwtAuthenticationToken) a).getToken().getClaims(),
              settings.rolesClaim()));
    });
  }

  @Bean
  public SecurityFilterChain hospitalSecurity(HttpSecurity http, JwtIssuerAuthenticationManagerResolver issuers,
      AccessAudit audit)
      throws Exception {
    AuthenticationEntryPoint unauthenticated = (request, response, e) -> {
      audit.record(Requester.anonymous(request.getRemoteAddr()), "request", target(request), 401);
      response.setHeader("WWW-Authenticate", "Bearer realm=\"FedFHIR hospital\", error=\"invalid_token\"");
      OperationOutcomes.write(response, 401, OperationOutcome.IssueType.LOGIN,
          "access token refused: " + e.getMessage());
    };
    AccessDeniedHandler denied = (request, response, e) -> OperationOutcomes.write(response, 403,
        OperationOutcome.IssueType.FORBIDDEN, "not allowed");
    http.csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(a -> a.requestMatchers("/fhir/**").permitAll()
            // the clinicians' SMART app: static files, every FHIR call it makes carries its token
            .requestMatchers(org.springframework.http.HttpMethod.GET, "/apps/risk/**").permitAll()
            .anyRequest().denyAll())
        .oauth2ResourceServer(o -> o.authenticationManagerResolver(issuers).authenticationEntryPoint(unauthenticated)
            .accessDeniedHandler(denied))
        .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated).accessDeniedHandler(denied));
    return http.build();
  }

  private static String target(HttpServletRequest request) {
    String path = request.getRequestURI();
    String[] parts = path.split("/");
    // /fhir/Type/... or /fhir/$op: name the type or the operation, never an id
    for (String p : parts) {
      if (!p.isEmpty() && !"fhir".equals(p) && (p.startsWith("$") || Character.isUpperCase(p.charAt(0)))) {
        return p;
      }
    }
    return "server";
  }

  /** Request bodies beyond the servers' common limit are answered 413 before anything else runs. */
  @Bean
  public FilterRegistrationBean<RequestBodyLimit> requestBodyLimit() {
    FilterRegistrationBean<RequestBodyLimit> bean = new FilterRegistrationBean<>(new RequestBodyLimit());
    bean.setOrder(org.springframework.core.Ordered.HIGHEST_PRECEDENCE);
    return bean;
  }

  /** {@code [base]/.well-known/smart-configuration}, public. */
  @Bean
  public ServletRegistrationBean<HttpServlet> smartConfigurationServlet(SmartConfiguration smart) {
    HttpServlet servlet = new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
          response.setContentType("application/json");
          response.getOutputStream().write(smart.document().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
          OperationOutcomes.write(response, 503, OperationOutcome.IssueType.TRANSIENT,
              "the authorisation server's configuration is not available: " + e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          response.sendError(503);
        }
      }
    };
    return new ServletRegistrationBean<>(servlet, "/fhir/.well-known/smart-configuration");
  }
}
