package org.fedfhir.auth.smart;

import java.util.function.Consumer;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;

/**
 * Checks a backend client's requested scopes with SMART's rules ({@link SmartScopes#allowed}), so
 * a client registered for {@code system/*.rs} may ask for {@code system/Observation.rs} but not for
 * {@code system/Observation.c}; replaces Spring Authorization Server's exact-match check.
 */
public final class SmartClientCredentialsValidator implements Consumer<OAuth2ClientCredentialsAuthenticationContext> {
  @Override
  public void accept(OAuth2ClientCredentialsAuthenticationContext context) {
    if (!SmartScopes.allowed(context.getRegisteredClient().getScopes(), ((OAuth2ClientCredentialsAuthenticationToken) context.getAuthentication()).getScopes())) {
      throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE,
          "a requested scope is not covered by the client's registration", null));
    }
  }
}
