package org.fedfhir.fhir.access;

import java.net.URI;
import java.util.function.Supplier;
import org.fedfhir.access.TokenClaims;

/**
 * Whose access tokens the hospital accepts: {@code fedfhir.security.issuer} (the {@code iss} of its
 * SMART authorisation server, published in its SMART configuration; further trusted issuers in
 * {@code fedfhir.security.extra-issuers}, each with its keys at {@code ISSUER/oauth2/jwks}),
 * {@code fedfhir.security.jwks} (its keys; default {@code ISSUER/oauth2/jwks}, FedFHIR's own
 * authorisation server's), {@code fedfhir.security.audience} (the {@code aud} tokens must carry: this
 * server's FHIR base URL; default the URL it serves at) and {@code fedfhir.security.roles-claim}.
 *
 * @param audience this server's FHIR base URL, resolved when first needed (the port may be chosen at start)
 */
public record HospitalAccessSettings(String issuer, URI jwks, java.util.List<String> extraIssuers,
    Supplier<String> audience, String rolesClaim) {

  public HospitalAccessSettings {
    if (issuer == null || issuer.isBlank()) {
      throw new IllegalArgumentException("fedfhir.security.issuer is required: the URL of the authorisation "
          + "server whose tokens this hospital accepts (./fedfhir hospital starts FedFHIR's own by default)");
    }
    if (jwks == null) {
      jwks = URI.create(trim(issuer) + "/oauth2/jwks");
    }
    extraIssuers = java.util.List.copyOf(extraIssuers);
    if (rolesClaim == null || rolesClaim.isBlank()) {
      rolesClaim = TokenClaims.ROLES_CLAIM;
    }
  }

  /** Every trusted issuer and where its keys are. */
  public java.util.Map<String, URI> keysByIssuer() {
    java.util.Map<String, URI> m = new java.util.LinkedHashMap<>();
    m.put(issuer, jwks);
    extraIssuers.forEach(i -> m.putIfAbsent(i, URI.create(trim(i) + "/oauth2/jwks")));
    return m;
  }

  static String trim(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
