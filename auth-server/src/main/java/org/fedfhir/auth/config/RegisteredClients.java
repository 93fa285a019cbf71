package org.fedfhir.auth.config;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.fedfhir.auth.directory.AuthDirectory;
import org.fedfhir.auth.directory.DirectoryClient;
import org.fedfhir.auth.smart.SmartScopes;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * Turns directory clients into Spring Authorization Server registrations: PKCE required for every
 * authorization-code client, a consent screen only for the clients registered with {@code consent}
 * (otherwise the hospital's registration is the consent), self-contained
 * (JWT) access tokens, refresh tokens rotated on every use, and the requestable SMART scopes of
 * the scopes as listed (the SMART validators decide what a registration covers, {@link SmartScopes#covers}).
 */
final class RegisteredClients {
  private RegisteredClients() {}

  static List<RegisteredClient> from(AuthDirectory directory, Duration accessTokenLifetime) {
    return directory.clients().stream().map(c -> from(c, accessTokenLifetime)).toList();
  }

  private static RegisteredClient from(DirectoryClient c, Duration accessTokenLifetime) {
    RegisteredClient.Builder b = RegisteredClient.withId(UUID.nameUUIDFromBytes(c.clientId().getBytes(
            java.nio.charset.StandardCharsets.UTF_8)).toString())
        .clientId(c.clientId())
        .scopes(s -> s.addAll(c.scopes()))
        .tokenSettings(TokenSettings.builder()
            .accessTokenTimeToLive(accessTokenLifetime)
            .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
            .reuseRefreshTokens(false)
            .build());
    switch (c.kind()) {
      case PUBLIC -> b.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
          .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
          .redirectUris(u -> u.addAll(c.redirectUris()))
          .clientSettings(codeClientSettings(c.consent()));
      case CONFIDENTIAL -> b.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
          .clientSecret(c.clientSecretHash())
          .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
          .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
          .redirectUris(u -> u.addAll(c.redirectUris()))
          .clientSettings(codeClientSettings(c.consent()));
      case BACKEND -> b.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
          .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
          .clientSettings(ClientSettings.builder()
              // Tells Spring Authorization Server this is private_key_jwt; the keys come from the directory.
              .tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.ES384)
              .build());
    }
    return b.build();
  }

  private static ClientSettings codeClientSettings(boolean consent) {
    return ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(consent).build();
  }
}
