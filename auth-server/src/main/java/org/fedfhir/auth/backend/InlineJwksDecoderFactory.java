package org.fedfhir.auth.backend;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.fedfhir.auth.directory.AuthDirectory;
import org.fedfhir.auth.directory.DirectoryClient;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Verifies SMART Backend Services client assertions ({@code private_key_jwt}) against the public
 * keys written inline in the directory file, instead of Spring Authorization Server's default of
 * fetching a {@code jwkSetUrl}. Checks: signature (RS384 or ES384) by one of the client's keys;
 * {@code iss} = {@code sub} = client id; {@code aud} = the token endpoint URL; {@code exp} present,
 * not past and at most {@link #MAX_LIFETIME} ahead; {@code jti} present and never seen before.
 */
public final class InlineJwksDecoderFactory implements JwtDecoderFactory<RegisteredClient> {
  /** The longest an assertion may be valid for (SMART: no more than five minutes). */
  public static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
  private static final Duration SKEW = Duration.ofSeconds(30);

  private final AuthDirectory directory;
  private final String tokenEndpoint;
  private final AssertionReplayGuard replays;
  private final Clock clock;

  public InlineJwksDecoderFactory(AuthDirectory directory, String tokenEndpoint, AssertionReplayGuard replays,
      Clock clock) {
    this.directory = directory;
    this.tokenEndpoint = tokenEndpoint;
    this.replays = replays;
    this.clock = clock;
  }

  @Override
  public JwtDecoder createDecoder(RegisteredClient registeredClient) {
    DirectoryClient client = directory.client(registeredClient.getClientId())
        .orElseThrow(() -> new IllegalStateException("client not in directory"));
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384),
        new ImmutableJWKSet<>(AuthDirectory.backendKeys(client))));
    processor.setJWTClaimsSetVerifier((claims, context) -> { });
    NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
    decoder.setJwtValidator(validator(client.clientId()));
    return decoder;
  }

  private OAuth2TokenValidator<Jwt> validator(String clientId) {
    JwtTimestampValidator timestamps = new JwtTimestampValidator(SKEW);
    timestamps.setClock(clock);
    OAuth2TokenValidator<Jwt> checks = new DelegatingOAuth2TokenValidator<>(List.of(
        new JwtClaimValidator<String>(JwtClaimNames.ISS, clientId::equals),
        new JwtClaimValidator<String>(JwtClaimNames.SUB, clientId::equals),
        new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(tokenEndpoint)),
        new JwtClaimValidator<Instant>(JwtClaimNames.EXP,
            exp -> exp != null && !exp.isAfter(clock.instant().plus(MAX_LIFETIME).plus(SKEW))),
        timestamps));
    return jwt -> {
      OAuth2TokenValidatorResult result = checks.validate(jwt);
      return result.hasErrors() ? result : firstUse(clientId, jwt);
    };
  }

  private OAuth2TokenValidatorResult firstUse(String clientId, Jwt jwt) {
    String jti = jwt.getId();
    if (jti == null || jti.isBlank()) {
      return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
          "client assertion has no jti", null));
    }
    return replays.firstUse(clientId, jti, jwt.getExpiresAt())
        ? OAuth2TokenValidatorResult.success()
        : OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
            "client assertion jti was already used", null));
  }
}
