package org.fedfhir.auth.smart;

import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2RefreshTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Issues a refresh token only when {@code offline_access} or {@code online_access} was granted
 * (SMART); otherwise as Spring Authorization Server's generator (which gives public clients none).
 * {@code online_access} is treated like {@code offline_access}: this server has no notion of the
 * user's session ending.
 */
public final class OfflineAccessRefreshTokenGenerator implements OAuth2TokenGenerator<OAuth2RefreshToken> {
  private final OAuth2RefreshTokenGenerator delegate = new OAuth2RefreshTokenGenerator();

  @Override
  public OAuth2RefreshToken generate(OAuth2TokenContext context) {
    if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())) {
      return null;
    }
    boolean wanted = context.getAuthorizedScopes().contains("offline_access")
        || context.getAuthorizedScopes().contains("online_access");
    return wanted ? delegate.generate(context) : null;
  }
}
