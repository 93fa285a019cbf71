package org.fedfhir.auth.smart;

import java.util.Optional;
import java.util.Set;
import org.fedfhir.auth.directory.AuthDirectory;
import org.fedfhir.auth.directory.DirectoryUser;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;

/**
 * Stores authorizations (in memory, through the delegate) and binds the SMART launch context when
 * an authorization code is issued: the patient of an EHR launch (using the launch value up) or, for
 * a standalone {@code launch/patient}, the patient the user picked ({@link PatientPicker}, the launch
 * value it opened) or else the user's own patient. The context then stays with the
 * authorization, so refreshed access tokens carry it too.
 */
public final class SmartAuthorizationService implements OAuth2AuthorizationService {
  private final OAuth2AuthorizationService delegate;
  private final LaunchContexts launches;
  private final AuthDirectory directory;

  public SmartAuthorizationService(OAuth2AuthorizationService delegate, LaunchContexts launches,
      AuthDirectory directory) {
    this.delegate = delegate;
    this.launches = launches;
    this.directory = directory;
  }

  @Override
  public void save(OAuth2Authorization authorization) {
    boolean newCode = authorization.getToken(OAuth2AuthorizationCode.class) != null
        && authorization.getAccessToken() == null
        && authorization.getAttribute(SmartAttributes.CONTEXT_BOUND) == null;
    delegate.save(newCode ? bind(authorization) : authorization);
  }

  private OAuth2Authorization bind(OAuth2Authorization authorization) {
    OAuth2Authorization.Builder b = OAuth2Authorization.from(authorization).attribute(SmartAttributes.CONTEXT_BOUND, true);
    Set<String> scopes = authorization.getAuthorizedScopes();
    OAuth2AuthorizationRequest request = authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
    Object launch = request == null ? null : request.getAdditionalParameters().get(SmartAttributes.LAUNCH);
    if (scopes.contains("launch") || (scopes.contains("launch/patient") && launch != null)) {
      LaunchContext c = launches.consume(launch instanceof String l ? l : null)
          .filter(context -> context.usableBy(authorization.getPrincipalName()))
          .orElseThrow(() -> refuse("the launch value was used or expired meanwhile, or another user picked it"));
      b.attribute(SmartAttributes.PATIENT, c.patient());
      if (c.encounter() != null) {
        b.attribute(SmartAttributes.ENCOUNTER, c.encounter());
      }
    } else if (scopes.contains("launch/patient")) {
      String patient = directory.user(authorization.getPrincipalName()).map(DirectoryUser::patient)
          .orElseThrow(() -> refuse("launch/patient needs a patient user"));
      b.attribute(SmartAttributes.PATIENT, patient);
    }
    return b.build();
  }

  private static OAuth2AuthorizationCodeRequestAuthenticationException refuse(String why) {
    return new OAuth2AuthorizationCodeRequestAuthenticationException(
        new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, why, null), null);
  }

  @Override
  public void remove(OAuth2Authorization authorization) {
    delegate.remove(authorization);
  }

  @Override
  public OAuth2Authorization findById(String id) {
    return delegate.findById(id);
  }

  @Override
  public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
    return delegate.findByToken(token, tokenType);
  }

  /** The authorization an issued access token belongs to, if it is still stored. */
  public Optional<OAuth2Authorization> forAccessToken(String accessToken) {
    return Optional.ofNullable(delegate.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN));
  }
}
