package org.fedfhir.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class AccessTokenVerifierTest {

  static final String ISSUER = "https://auth.hospital.example";
  static final String AUDIENCE = "https://fhir.hospital.example/fhir";
  static final ECKey KEY = generate();
  static final ECKey OTHER_KEY = generate();

  final AccessTokenVerifier verifier = new AccessTokenVerifier(
      new TrustedIssuer(ISSUER, URI.create(ISSUER + "/jwks"), AUDIENCE, TokenClaims.ROLES_CLAIM),
      new ImmutableJWKSet<>(new JWKSet(KEY.toPublicJWK())));

  static ECKey generate() {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID("k" + System.nanoTime()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String token(ECKey key, UnaryOperator<JWTClaimsSet.Builder> edit) throws JOSEException {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE)
        .subject("dr-house").claim("client_id", "risk-app").claim("fhirUser", "Practitioner/dr-house")
        .claim("scope", "launch openid patient/Observation.rs patient/RiskAssessment.c")
        .claim("patient", "p-1").claim(TokenClaims.ROLES_CLAIM, List.of("clinician", "aggregator"))
        .expirationTime(Date.from(Instant.now().plusSeconds(300)));
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
        edit.apply(claims).build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  @Test
  void aValidTokenNamesTheUserTheirRolesScopesAndPatient() throws Exception {
    Caller caller = verifier.verify(token(KEY, b -> b));
    assertThat(caller.kind()).isEqualTo(Caller.Kind.USER);
    assertThat(caller.subject()).isEqualTo("Practitioner/dr-house");
    assertThat(caller.clientId()).isEqualTo("risk-app");
    assertThat(caller.patient()).contains("p-1");
    assertThat(caller.roles()).as("a token never makes its holder a network party").containsExactly(Role.CLINICIAN);
    assertThat(caller.allows(SmartScope.Context.PATIENT, "RiskAssessment", SmartScope.Permission.CREATE)).isTrue();
    assertThat(caller.display()).isEqualTo("Practitioner/dr-house (client risk-app)");
  }

  @Test
  void aClientCredentialsTokenIsABackendCaller() throws Exception {
    Caller caller = verifier.verify(token(KEY, b -> b.subject("ehr-export").claim("client_id", "ehr-export")
        .claim("fhirUser", null).claim("patient", null).claim("scope", List.of("system/*.rs"))));
    assertThat(caller.kind()).isEqualTo(Caller.Kind.BACKEND);
    assertThat(caller.patient()).isEmpty();
    assertThat(caller.scopes()).containsExactly("system/*.rs");
  }

  @Test
  void expiredWrongAudienceWrongIssuerAndForeignKeysAreRefused() throws Exception {
    assertThatThrownBy(() -> verifier.verify(token(KEY,
        b -> b.expirationTime(Date.from(Instant.now().minusSeconds(120))))))
        .isInstanceOf(InvalidTokenException.class).hasMessageContaining("xpired");
    assertThatThrownBy(() -> verifier.verify(token(KEY, b -> b.audience("https://other.example/fhir"))))
        .isInstanceOf(InvalidTokenException.class).hasMessageContaining("aud");
    assertThatThrownBy(() -> verifier.verify(token(KEY, b -> b.issuer("https://evil.example"))))
        .isInstanceOf(InvalidTokenException.class).hasMessageContaining("iss");
    assertThatThrownBy(() -> verifier.verify(token(OTHER_KEY, b -> b)))
        .isInstanceOf(InvalidTokenException.class);
    assertThatThrownBy(() -> verifier.verify("not.a.token")).isInstanceOf(InvalidTokenException.class);
  }
}
