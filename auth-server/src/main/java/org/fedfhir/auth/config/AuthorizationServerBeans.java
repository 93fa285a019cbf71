package org.fedfhir.auth.config;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Clock;
import java.util.UUID;
import org.fedfhir.auth.AuthServerSettings;
import org.fedfhir.auth.backend.AssertionReplayGuard;
import org.fedfhir.auth.backend.InlineJwksDecoderFactory;
import org.fedfhir.auth.directory.AuthDirectory;
import org.fedfhir.auth.smart.LaunchContexts;
import org.fedfhir.auth.smart.OfflineAccessRefreshTokenGenerator;
import org.fedfhir.auth.smart.SmartAuthorizationRequestValidator;
import org.fedfhir.auth.smart.SmartAuthorizationService;
import org.fedfhir.auth.smart.SmartConfiguration;
import org.fedfhir.auth.smart.SmartTokenCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * The authorisation server's parts, built from the {@link AuthServerSettings} and
 * {@link AuthDirectory} singletons {@code AuthServer} registers. All state (authorizations, launch
 * contexts, seen assertions, the signing key) is in memory: a restart invalidates issued tokens.
 */
@Configuration(proxyBeanMethods = false)
public class AuthorizationServerBeans {

  @Bean
  Clock authClock() {
    return Clock.systemUTC();
  }

  @Bean
  SmartConfiguration smartConfiguration(AuthServerSettings settings) {
    return new SmartConfiguration(settings.issuerUrl());
  }

  @Bean
  AuthorizationServerSettings authorizationServerSettings(AuthServerSettings settings) {
    return AuthorizationServerSettings.builder().issuer(settings.issuerUrl()).build();
  }

  @Bean
  RegisteredClientRepository registeredClientRepository(AuthDirectory directory, AuthServerSettings settings) {
    return new InMemoryRegisteredClientRepository(
        RegisteredClients.from(directory, settings.accessTokenLifetime()));
  }

  @Bean
  LaunchContexts launchContexts(Clock clock) {
    return new LaunchContexts(clock);
  }

  @Bean
  SmartAuthorizationService smartAuthorizationService(LaunchContexts launches, AuthDirectory directory) {
    return new SmartAuthorizationService(new InMemoryOAuth2AuthorizationService(), launches, directory);
  }

  @Bean
  SmartAuthorizationRequestValidator smartAuthorizationRequestValidator(AuthServerSettings settings,
      LaunchContexts launches, AuthDirectory directory) {
    return new SmartAuthorizationRequestValidator(settings.resources(), launches, directory);
  }

  @Bean
  InlineJwksDecoderFactory inlineJwksDecoderFactory(AuthDirectory directory, SmartConfiguration smart, Clock clock) {
    return new InlineJwksDecoderFactory(directory, smart.tokenEndpoint(), new AssertionReplayGuard(clock), clock);
  }

  /** The server's signing key: RSA 2048, generated at start, published at {@code /oauth2/jwks}. */
  @Bean
  JWKSource<SecurityContext> jwkSource() {
    try {
      RSAKey key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID(UUID.randomUUID().toString()).generate();
      return new ImmutableJWKSet<>(new JWKSet(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate the signing key", e);
    }
  }

  @Bean
  JwtDecoder jwtDecoder(JWKSource<SecurityContext> jwkSource) {
    return OAuth2AuthorizationServerConfiguration.jwtDecoder(jwkSource);
  }

  @Bean
  OAuth2TokenGenerator<?> tokenGenerator(JWKSource<SecurityContext> jwkSource, AuthServerSettings settings,
      AuthDirectory directory) {
    JwtGenerator jwt = new JwtGenerator(new NimbusJwtEncoder(jwkSource));
    jwt.setJwtCustomizer(new SmartTokenCustomizer(settings.resources(), directory));
    return new DelegatingOAuth2TokenGenerator(jwt, new OfflineAccessRefreshTokenGenerator());
  }

  @Bean
  PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }
}
