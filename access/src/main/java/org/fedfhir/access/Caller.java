package org.fedfhir.access;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The authenticated party of one request.
 *
 * @param kind how it authenticated
 * @param subject who it is: the user's {@code fhirUser} (or {@code sub}), a backend client's id, a
 *     network party's certificate name
 * @param clientId the OAuth2 client it came through (a network party: its certificate name)
 * @param roles what it is
 * @param scopes the SMART scopes its token grants (a network party: none)
 * @param patient the launch patient's id, if the token carries a patient context
 */
public record Caller(Kind kind, String subject, String clientId, Set<Role> roles, Set<String> scopes,
    Optional<String> patient) {

  /** How a caller authenticated. */
  public enum Kind {
    /** A person, through an app holding their access token (authorization code). */
    USER,
    /** A system without a user: SMART Backend Services (client credentials, {@code private_key_jwt}). */
    BACKEND,
    /** A party of the network: a certificate of the network CA over mutual TLS. */
    NETWORK_PARTY
  }

  public Caller {
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("a caller has a subject");
    }
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    scopes = Set.copyOf(new LinkedHashSet<>(scopes));
  }

  /** A party of the network named {@code name} in its certificate, in {@code role}. */
  public static Caller networkParty(String name, Role role) {
    return new Caller(Kind.NETWORK_PARTY, name, name, Set.of(role), Set.of(), Optional.empty());
  }

  public boolean hasRole(Role role) {
    return roles.contains(role);
  }

  /** The resource scopes among {@link #scopes()}. */
  public List<SmartScope> resourceScopes() {
    return scopes.stream().map(SmartScope::parse).flatMap(Optional::stream).toList();
  }

  /** Whether a resource scope allows {@code permission} on {@code type} in {@code context}. */
  public boolean allows(SmartScope.Context context, String type, SmartScope.Permission permission) {
    return resourceScopes().stream().anyMatch(s -> s.allows(context, type, permission));
  }

  /** Whether the token grants the plain scope {@code scope} (e.g. {@code launch}). */
  public boolean hasScope(String scope) {
    return scopes.contains(scope);
  }

  /** How an audit record names the caller: the subject and, if different, the client it came through. */
  public String display() {
    return clientId == null || clientId.equals(subject) ? subject : subject + " (client " + clientId + ")";
  }

  @Override
  public String toString() {
    return "Caller[" + kind + " " + display() + " " + roles + "]";
  }
}
