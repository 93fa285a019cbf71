package org.fedfhir.auth.smart;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fedfhir.auth.directory.AuthDirectory;
import org.fedfhir.auth.directory.DirectoryClient;
import org.fedfhir.auth.directory.DirectoryUser;
import org.fedfhir.auth.directory.Role;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Writes FedFHIR's access-token contract (see the {@code org.fedfhir.auth} package documentation)
 * into every JWT access token, and {@code fhirUser} into ID tokens when scope {@code fhirUser} was
 * granted.
 */
public final class SmartTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {
  /** Claim: the user's FHIR resource, e.g. {@code Practitioner/dr-house}. */
  public static final String FHIR_USER = "fhirUser";
  /** Claim: the Patient id of the launch context. */
  public static final String PATIENT = "patient";
  /** Claim: the Encounter id of the launch context. */
  public static final String ENCOUNTER = "encounter";
  /** Claim: FedFHIR roles of the user or backend client, a JSON array. */
  public static final String ROLES = "fedfhir_roles";
  /** Claim: the client the token was issued to. */
  public static final String CLIENT_ID = "client_id";

  private final List<String> resources;
  private final AuthDirectory directory;

  public SmartTokenCustomizer(List<String> resources, AuthDirectory directory) {
    this.resources = List.copyOf(resources);
    this.directory = directory;
  }

  @Override
  public void customize(JwtEncodingContext context) {
    JwtClaimsSet.Builder claims = context.getClaims();
    if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
      if (context.getAuthorizedScopes().contains("fhirUser")) {
        user(context.getAuthorization()).ifPresent(u -> claims.claim(FHIR_USER, u.fhirUser()));
      }
      return;
    }
    if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
      return;
    }
    String clientId = context.getRegisteredClient().getClientId();
    claims.claim(CLIENT_ID, clientId);
    if (context.getAuthorizedScopes().isEmpty()) {
      claims.claims(c -> c.remove("scope"));
    } else {
      claims.claim("scope", String.join(" ", context.getAuthorizedScopes()));
    }
    if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
      claims.audience(backendAudience(context));
      claims.claim(ROLES, codes(directory.client(clientId).map(DirectoryClient::roles).orElse(List.of())));
      return;
    }
    OAuth2Authorization authorization = context.getAuthorization();
    OAuth2AuthorizationRequest request = authorization == null ? null
        : authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
    if (request != null && request.getAdditionalParameters().get(SmartAttributes.AUD) instanceof String aud) {
      claims.audience(List.of(aud));
    }
    Optional<DirectoryUser> user = user(authorization);
    user.ifPresent(u -> {
      claims.claim(FHIR_USER, u.fhirUser());
      claims.claim(ROLES, codes(u.roles()));
    });
    if (authorization != null && authorization.getAttribute(SmartAttributes.PATIENT) instanceof String p) {
      claims.claim(PATIENT, p);
    }
    if (authorization != null && authorization.getAttribute(SmartAttributes.ENCOUNTER) instanceof String e) {
      claims.claim(ENCOUNTER, e);
    }
  }

  private List<String> backendAudience(JwtEncodingContext context) {
    Map<String, Object> params = context.getAuthorizationGrant() instanceof OAuth2ClientCredentialsAuthenticationToken t
        ? t.getAdditionalParameters() : Map.of();
    Object aud = params.get(SmartAttributes.AUD);
    if (aud == null) {
      return resources;
    }
    if (aud instanceof String a && resources.contains(a)) {
      return List.of(a);
    }
    throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
        "aud is not a resource server of this issuer", null));
  }

  private Optional<DirectoryUser> user(OAuth2Authorization authorization) {
    return authorization == null ? Optional.empty() : directory.user(authorization.getPrincipalName());
  }

  private static List<String> codes(List<Role> roles) {
    return roles.stream().map(Role::code).toList();
  }
}
