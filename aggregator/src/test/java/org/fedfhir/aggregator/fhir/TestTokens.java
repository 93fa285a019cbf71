package org.fedfhir.aggregator.fhir;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.fedfhir.access.AccessTokenVerifier;
import org.fedfhir.access.TokenClaims;
import org.fedfhir.access.TrustedIssuer;

/** An issuer for the aggregator's tests: its key, a verifier trusting it for one audience, and tokens. */
final class TestTokens {

  static final String ISSUER = "https://auth.research.example";
  private final ECKey key;
  private final String audience;
  private final String issuer;

  TestTokens(String audience) {
    this(audience, ISSUER);
  }

  TestTokens(String audience, String issuer) {
    this.audience = audience;
    this.issuer = issuer;
    try {
      key = new ECKeyGenerator(Curve.P_256).keyID("research-issuer").generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  AccessTokenVerifier verifier() {
    return new AccessTokenVerifier(new TrustedIssuer(issuer, URI.create(issuer + "/oauth2/jwks"), audience,
        TokenClaims.ROLES_CLAIM), new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())));
  }

  /** A user's token with these roles. */
  String user(String subject, List<String> roles) {
    return token(subject, roles, audience, Instant.now().plusSeconds(300));
  }

  String token(String subject, List<String> roles, String aud, Instant expiry) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(aud).subject(subject)
        .claim("client_id", "research-portal").claim("fhirUser", "Practitioner/" + subject)
        .claim(TokenClaims.ROLES_CLAIM, roles).claim("scope", "openid fhirUser")
        .expirationTime(Date.from(expiry)).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
