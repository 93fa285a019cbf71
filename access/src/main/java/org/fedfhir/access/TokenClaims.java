package org.fedfhir.access;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the claims of a verified access token into a {@link Caller}, the same way for every server
 * (Spring Security's {@code Jwt} at the hospital, Nimbus claims at the aggregator). The contract is
 * FedFHIR's own authorisation server's: {@code sub}, {@code client_id}, {@code scope} (space-separated
 * string, or an array), {@code fhirUser}, {@code patient}, and the roles in {@link #ROLES_CLAIM}
 * (another issuer's claim name can be configured).
 */
public final class TokenClaims {

  /** The claim naming the caller's roles in FedFHIR's own tokens. */
  public static final String ROLES_CLAIM = "fedfhir_roles";

  private TokenClaims() {}

  /** The caller these claims describe; roles are read from {@code rolesClaim}. */
  public static Caller caller(Map<String, Object> claims, String rolesClaim) {
    String sub = text(claims.get("sub"));
    String clientId = Optional.ofNullable(text(claims.get("client_id"))).orElse(text(claims.get("azp")));
    String fhirUser = text(claims.get("fhirUser"));
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String code : strings(claims.get(rolesClaim))) {
      // a token can never make its holder a party of the network: that takes a certificate
      Role.fromCode(code).filter(r -> !r.isNetworkParty()).ifPresent(roles::add);
    }
    Set<String> scopes = new LinkedHashSet<>();
    Object scope = claims.get("scope");
    if (scope == null) {
      scope = claims.get("scp");
    }
    scopes.addAll(strings(scope));
    boolean user = fhirUser != null || (sub != null && !sub.equals(clientId));
    String subject = fhirUser != null ? fhirUser : sub != null ? sub : clientId;
    if (subject == null) {
      throw new InvalidTokenException("the token names no subject (sub, client_id)");
    }
    return new Caller(user ? Caller.Kind.USER : Caller.Kind.BACKEND, subject, clientId == null ? subject : clientId,
        roles, scopes, Optional.ofNullable(text(claims.get("patient"))));
  }

  private static String text(Object o) {
    return o == null ? null : o.toString();
  }

  private static Set<String> strings(Object o) {
    Set<String> out = new LinkedHashSet<>();
    if (o instanceof Collection<?> c) {
      c.forEach(e -> out.add(e.toString()));
    } else if (o != null) {
      for (String s : o.toString().trim().split("\\s+")) {
        if (!s.isEmpty()) {
          out.add(s);
        }
      }
    }
    return out;
  }
}
