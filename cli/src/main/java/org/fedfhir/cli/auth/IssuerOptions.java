package org.fedfhir.cli.auth;

import java.net.URI;
import org.fedfhir.access.TrustedIssuer;
import picocli.CommandLine.Option;

/**
 * An external authorisation server a FedFHIR server trusts (picocli mixin of {@code hospital} and
 * {@code aggregator}): its issuer URL, its keys and the claim that carries the caller's roles.
 */
public final class IssuerOptions {

  @Option(names = "--oauth-issuer", paramLabel = "URL",
      description = "Accept access tokens of this authorisation server (its iss): the hospital's Keycloak or EHR, "
          + "a research network's issuer.")
  String issuer;

  @Option(names = "--oauth-jwks", paramLabel = "URL", description = "Its signing keys (default ISSUER/oauth2/jwks).")
  String jwks;

  @Option(names = "--oauth-roles-claim", paramLabel = "CLAIM",
      description = "The token claim listing the caller's roles (default fedfhir_roles).")
  String rolesClaim;

  /** The issuer URL, or null when none was given. */
  public String issuer() {
    return issuer;
  }

  /** Its keys as given, or null for the default. */
  public String jwks() {
    return jwks;
  }

  public String rolesClaim() {
    return rolesClaim;
  }

  /** The trusted issuer for tokens addressed to {@code audience}, or null when none was given. */
  public TrustedIssuer trusted(String audience) {
    if (issuer == null) {
      return null;
    }
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    return new TrustedIssuer(issuer, URI.create(jwks != null ? jwks : base + "/oauth2/jwks"), audience, rolesClaim);
  }
}
