package org.fedfhir.auth.config;

import org.fedfhir.auth.backend.ClientAssertionConverter;
import org.fedfhir.auth.backend.InlineJwksDecoderFactory;
import org.fedfhir.auth.directory.AuthDirectory;
import org.fedfhir.auth.smart.LaunchContextResponseCustomizer;
import org.fedfhir.auth.smart.PatientPickerRedirect;
import org.fedfhir.auth.smart.SmartAuthorizationRequestValidator;
import org.fedfhir.auth.smart.SmartAuthorizationService;
import org.fedfhir.auth.smart.SmartClientCredentialsValidator;
import org.fedfhir.auth.smart.SmartConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Three filter chains: the OAuth 2 / OIDC endpoints (Spring Authorization Server with FedFHIR's
 * SMART pieces plugged in, and the redirect of a staff user's standalone launch to the patient picker),
 * {@code POST /launch} (HTTP Basic, launch-issuing EHR clients only), and
 * everything else (form login for users; discovery documents open).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityChains {

  @Bean
  @Order(1)
  SecurityFilterChain authorizationServerChain(HttpSecurity http, SmartAuthorizationService authorizations,
      SmartAuthorizationRequestValidator validator, InlineJwksDecoderFactory assertionDecoders,
      SmartConfiguration smart, AuthDirectory directory) throws Exception {
    OAuth2AuthorizationServerConfigurer as = OAuth2AuthorizationServerConfigurer.authorizationServer();
    OAuth2AccessTokenResponseAuthenticationSuccessHandler tokenResponses =
        new OAuth2AccessTokenResponseAuthenticationSuccessHandler();
    tokenResponses.setAccessTokenResponseCustomizer(new LaunchContextResponseCustomizer(authorizations));
    http.securityMatcher(as.getEndpointsMatcher())
        .with(as, s -> s
            .authorizationService(authorizations)
            .authorizationEndpoint(a -> a.authenticationProviders(ps -> ps.forEach(p -> {
              if (p instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider codeRequests) {
                codeRequests.setAuthenticationValidator(validator);
              }
            })))
            .clientAuthentication(c -> c
                .authenticationConverters(cs -> cs.add(0, new ClientAssertionConverter()))
                .authenticationProviders(ps -> ps.forEach(p -> {
                  if (p instanceof JwtClientAssertionAuthenticationProvider assertions) {
                    assertions.setJwtDecoderFactory(assertionDecoders);
                  }
                })))
            .tokenEndpoint(t -> t.accessTokenResponseHandler(tokenResponses)
                .authenticationProviders(ps -> ps.forEach(p -> {
                  if (p instanceof OAuth2ClientCredentialsAuthenticationProvider clientCredentials) {
                    clientCredentials.setAuthenticationValidator(new SmartClientCredentialsValidator());
                  }
                })))
            .oidc(o -> o.providerConfigurationEndpoint(p -> p.providerConfigurationCustomizer(b -> b
                .grantTypes(g -> {
                  g.clear();
                  g.addAll(SmartConfiguration.GRANT_TYPES);
                })
                .codeChallengeMethods(m -> {
                  m.clear();
                  m.addAll(SmartConfiguration.CODE_CHALLENGE_METHODS);
                })
                .tokenEndpointAuthenticationMethods(m -> {
                  m.clear();
                  m.addAll(SmartConfiguration.TOKEN_ENDPOINT_AUTH_METHODS);
                })
                .scopes(sc -> {
                  sc.clear();
                  sc.addAll(SmartConfiguration.SCOPES);
                })
                .claim("capabilities", SmartConfiguration.CAPABILITIES)
                .claim("token_endpoint_auth_signing_alg_values_supported", SmartConfiguration.SIGNING_ALGORITHMS)))))
        .addFilterAfter(new PatientPickerRedirect(directory), SecurityContextHolderFilter.class)
        .cors(c -> c.configurationSource(browserApps(directory)))
        .authorizeHttpRequests(a -> a.anyRequest().authenticated())
        .oauth2ResourceServer(rs -> rs.jwt(Customizer.withDefaults()))
        .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"),
            PathPatternRequestMatcher.withDefaults().matcher("/oauth2/authorize")));
    return http.build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain launchChain(HttpSecurity http, AuthDirectory directory, PasswordEncoder passwords)
      throws Exception {
    DaoAuthenticationProvider ehrs = new DaoAuthenticationProvider(DirectoryUsers.launchIssuers(directory));
    ehrs.setPasswordEncoder(passwords);
    http.securityMatcher("/launch")
        .authenticationManager(new ProviderManager(ehrs))
        .httpBasic(Customizer.withDefaults())
        .csrf(c -> c.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(a -> a.anyRequest().hasAuthority(DirectoryUsers.LAUNCH_ISSUER));
    return http.build();
  }

  @Bean
  @Order(3)
  SecurityFilterChain loginChain(HttpSecurity http, AuthDirectory directory, PasswordEncoder passwords)
      throws Exception {
    DaoAuthenticationProvider users = new DaoAuthenticationProvider(DirectoryUsers.users(directory));
    users.setPasswordEncoder(passwords);
    http.authenticationManager(new ProviderManager(users))
        .authorizeHttpRequests(a -> a
            .requestMatchers("/.well-known/smart-configuration", "/error").permitAll()
            .anyRequest().authenticated())
        .formLogin(Customizer.withDefaults());
    return http.build();
  }

  /**
   * CORS for the browser apps: a public client's page (the origin of one of its redirect URIs) may
   * call the token endpoint and read the keys from script; no other origin may.
   */
  static org.springframework.web.cors.CorsConfigurationSource browserApps(AuthDirectory directory) {
    org.springframework.web.cors.CorsConfiguration cors = new org.springframework.web.cors.CorsConfiguration();
    directory.clients().stream().filter(c -> c.kind() == org.fedfhir.auth.directory.ClientKind.PUBLIC)
        .flatMap(c -> c.redirectUris().stream()).map(java.net.URI::create)
        .filter(u -> u.getScheme() != null && u.getAuthority() != null)
        .map(u -> u.getScheme() + "://" + u.getAuthority()).distinct().forEach(cors::addAllowedOrigin);
    cors.setAllowedMethods(java.util.List.of("GET", "POST"));
    cors.setAllowedHeaders(java.util.List.of("Content-Type", "Authorization", "Accept"));
    org.springframework.web.cors.UrlBasedCorsConfigurationSource source =
        new org.springframework.web.cors.UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/oauth2/token", cors);
    source.registerCorsConfiguration("/oauth2/jwks", cors);
    return source;
  }
}
