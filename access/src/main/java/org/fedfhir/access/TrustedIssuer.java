package org.fedfhir.access;

import java.net.URI;

/**
 * An authorisation server whose access tokens a FedFHIR server accepts.
 *
 * @param issuer the tokens' {@code iss}, e.g. {@code https://auth.hospital.example/realms/fhir}
 * @param jwks where its signing keys are published ({@code jwks_uri})
 * @param audience what the tokens' {@code aud} must contain: this server's base URL
 * @param rolesClaim the claim that carries the caller's roles ({@link TokenClaims#ROLES_CLAIM} for
 *     FedFHIR's own authorisation server)
 */
public record TrustedIssuer(String issuer, URI jwks, String audience, String rolesClaim) {

  public TrustedIssuer {
    if (issuer == null || issuer.isBlank()) {
      throw new IllegalArgumentException("a trusted issuer needs its issuer URL (iss)");
    }
    if (jwks == null || !jwks.isAbsolute()) {
      throw new IllegalArgumentException("a trusted issuer needs an absolute JWKS URL; got " + jwks);
    }
    if (audience == null || audience.isBlank()) {
      throw new IllegalArgumentException("a trusted issuer needs the audience tokens must carry (this server's base URL)");
    }
    if (rolesClaim == null || rolesClaim.isBlank()) {
      rolesClaim = TokenClaims.ROLES_CLAIM;
    }
  }

  /** FedFHIR's own authorisation server at {@code issuer}: keys at {@code issuer/oauth2/jwks}. */
  public static TrustedIssuer fedFhir(String issuer, String audience) {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    return new TrustedIssuer(issuer, URI.create(base + "/oauth2/jwks"), audience, TokenClaims.ROLES_CLAIM);
  }
}
