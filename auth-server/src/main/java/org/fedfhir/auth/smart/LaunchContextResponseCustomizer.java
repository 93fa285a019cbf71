package org.fedfhir.auth.smart;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;

/** Adds the launch context ({@code patient}, {@code encounter}) to the token response, as SMART asks. */
public final class LaunchContextResponseCustomizer implements Consumer<OAuth2AccessTokenAuthenticationContext> {
  private final SmartAuthorizationService authorizations;

  public LaunchContextResponseCustomizer(SmartAuthorizationService authorizations) {
    this.authorizations = authorizations;
  }

  @Override
  public void accept(OAuth2AccessTokenAuthenticationContext context) {
    OAuth2AccessTokenAuthenticationToken issued = context.getAuthentication();
    String token = issued.getAccessToken().getTokenValue();
    OAuth2Authorization authorization = authorizations.forAccessToken(token).orElse(null);
    if (authorization == null) {
      return;
    }
    Map<String, Object> params = new HashMap<>(issued.getAdditionalParameters());
    if (authorization.getAttribute(SmartAttributes.PATIENT) instanceof String p) {
      params.put("patient", p);
    }
    if (authorization.getAttribute(SmartAttributes.ENCOUNTER) instanceof String e) {
      params.put("encounter", e);
    }
    context.getAccessTokenResponse().additionalParameters(params);
  }
}
