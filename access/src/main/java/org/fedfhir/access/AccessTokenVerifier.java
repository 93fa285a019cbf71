package org.fedfhir.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.Set;

/**
 * Checks a bearer access token (a signed JWT) from a {@link TrustedIssuer}: signature by one of the
 * issuer's published keys (RS256/384, ES256/384, PS256), {@code iss}, {@code aud} containing this
 * server, {@code exp} (60 s clock skew), then reads the {@link Caller}. Used by the servers that are
 * not Spring Security resource servers (aggregator, TEE model service). Thread-safe.
 *
 * <p>Security guarantees: a token is accepted only if the issuer's key signed it, for this audience,
 * before it expired. The token itself is never logged or put into an error message.
 */
public final class AccessTokenVerifier {

  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
      JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.PS256);

  private final TrustedIssuer issuer;
  private final DefaultJWTProcessor<SecurityContext> processor;

  /** A verifier fetching (and caching) the issuer's keys from its JWKS URL. */
  public static AccessTokenVerifier of(TrustedIssuer issuer) {
    try {
      return new AccessTokenVerifier(issuer,
          JWKSourceBuilder.create(issuer.jwks().toURL()).retrying(true).build());
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("JWKS URL " + issuer.jwks() + " is no URL", e);
    }
  }

  /** A verifier with the issuer's keys from {@code keys} (tests, keys configured by hand). */
  public AccessTokenVerifier(TrustedIssuer issuer, JWKSource<SecurityContext> keys) {
    this.issuer = issuer;
    this.processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(issuer.audience(),
        new JWTClaimsSet.Builder().issuer(issuer.issuer()).build(), Set.of("sub", "exp")));
  }

  public TrustedIssuer issuer() {
    return issuer;
  }

  /**
   * The caller the token names.
   *
   * @throws InvalidTokenException if it is not a valid token of this issuer for this audience
   */
  public Caller verify(String token) {
    if (token == null || token.isBlank()) {
      throw new InvalidTokenException("no access token");
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException e) {
      throw new InvalidTokenException("the access token is not a JWT");
    } catch (BadJOSEException e) {
      // Nimbus's messages name the failed check (expired, audience, issuer, signature), never the token
      throw new InvalidTokenException("the access token was refused: " + e.getMessage());
    } catch (JOSEException e) {
      throw new InvalidTokenException("the access token could not be checked: " + e.getMessage(), e);
    }
    return TokenClaims.caller(claims.getClaims(), issuer.rolesClaim());
  }
}
