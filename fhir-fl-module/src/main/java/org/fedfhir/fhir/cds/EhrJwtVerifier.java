package org.fedfhir.fhir.cds;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates a CDS Hooks call as CDS Hooks 2.0 asks: {@code Authorization: Bearer <JWT>} signed
 * (RS384 or ES384) by an EHR in the site's allow-list, verified with that EHR's JWKS (nimbus-jose-jwt),
 * {@code aud} the service's URL, unexpired, with {@code iat} and a {@code jti} not seen before.
 *
 * <p>Security guarantees: a token of an issuer not in the list is refused before any key is fetched;
 * an unsigned token ({@code alg: none}) never parses as signed; a token is accepted once (its
 * {@code iss} and {@code jti} are remembered until it expires).
 */
public final class EhrJwtVerifier {
  static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384);
  static final Set<String> REQUIRED = Set.of("iss", "aud", "exp", "iat", "jti");

  private final Map<String, CdsSettings.Ehr> ehrs = new ConcurrentHashMap<>();
  private final Map<String, JWKSource<SecurityContext>> keys = new ConcurrentHashMap<>();
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();
  private final Clock clock;

  public EhrJwtVerifier(Iterable<CdsSettings.Ehr> trusted, Clock clock) {
    trusted.forEach(e -> ehrs.put(e.issuer(), e));
    this.clock = clock;
  }

  /**
   * The verified claims of the call's token.
   *
   * @param authorization the {@code Authorization} header, or null
   * @param audience the service's URL
   */
  public JWTClaimsSet verify(String authorization, String audience) throws EhrTokenRefused {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new EhrTokenRefused(EhrTokenRefused.Reason.MISSING, "a CDS Hooks call needs the EHR's signed JWT"
          + " (Authorization: Bearer)");
    }
    SignedJWT jwt;
    String issuer;
    try {
      jwt = SignedJWT.parse(authorization.substring(7).trim());
      issuer = jwt.getJWTClaimsSet().getIssuer();
    } catch (ParseException e) {
      throw new EhrTokenRefused(EhrTokenRefused.Reason.MALFORMED, "the token is not a signed JWT");
    }
    CdsSettings.Ehr ehr = issuer == null ? null : ehrs.get(issuer);
    if (ehr == null) {
      throw new EhrTokenRefused(EhrTokenRefused.Reason.UNKNOWN_ISSUER, "issuer " + issuer
          + " is not an EHR this site trusts (fedfhir.cds.ehrs)");
    }
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys.computeIfAbsent(issuer,
        i -> source(ehr))));
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
        new JWTClaimsSet.Builder().issuer(issuer).build(), REQUIRED) {
      @Override
      protected java.util.Date currentTime() {
        return java.util.Date.from(clock.instant());
      }
    });
    JWTClaimsSet claims;
    try {
      claims = processor.process(jwt, null);
    } catch (BadJWTException e) {
      throw new EhrTokenRefused(EhrTokenRefused.Reason.BAD_CLAIMS, "the token's claims are refused: "
          + e.getMessage());
    } catch (BadJOSEException | JOSEException e) {
      throw new EhrTokenRefused(EhrTokenRefused.Reason.BAD_SIGNATURE, "the token's signature does not verify"
          + " with the keys of " + issuer + " (RS384 or ES384): " + e.getMessage());
    }
    remember(issuer, claims);
    return claims;
  }

  private void remember(String issuer, JWTClaimsSet claims) throws EhrTokenRefused {
    Instant now = clock.instant();
    seen.values().removeIf(expiry -> expiry.isBefore(now));
    Instant expiry = claims.getExpirationTime().toInstant();
    if (seen.putIfAbsent(issuer + " " + claims.getJWTID(), expiry) != null) {
      throw new EhrTokenRefused(EhrTokenRefused.Reason.REPLAYED, "the token's jti was already used");
    }
  }

  private static JWKSource<SecurityContext> source(CdsSettings.Ehr ehr) {
    try {
      return JWKSourceBuilder.<SecurityContext>create(ehr.jwksUrl().toURL()).retrying(false).build();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("fedfhir.cds.ehrs jwks-url " + ehr.jwksUrl() + " is not a URL", e);
    }
  }

}
