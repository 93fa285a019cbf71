package org.fedfhir.cli.auth;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.List;
import org.fedfhir.auth.AuthServer;
import org.fedfhir.auth.AuthServerSettings;
import org.fedfhir.auth.client.SigningKey;
import org.fedfhir.auth.client.SmartAppLogin;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * FedFHIR's own authorisation server for one hospital, started beside it (in the same JVM, its own
 * Spring context) when the hospital plugs in no issuer of its own; and the calls the command line
 * makes to it as the site's users and systems would.
 */
public record LocalAuthServer(ConfigurableApplicationContext context, String issuer, SiteAccounts accounts)
    implements AutoCloseable {

  /** Starts on {@code bind:port} (0 = a free port) for the FHIR server at {@code resource}. */
  public static LocalAuthServer start(SiteAccounts accounts, String bind, int port, String resource) {
    AuthServerSettings settings = AuthServerSettings.of(accounts.directory(), List.of(resource))
        .withBindAddress(bind).withPort(port);
    ConfigurableApplicationContext ctx = AuthServer.start(settings);
    return new LocalAuthServer(ctx, AuthServer.endpoints(ctx).issuer(), accounts);
  }

  /** Backend-services tokens of the site's integrator system ({@code system/*.cruds}) for {@code aud}, renewed. */
  public TokenSource integratorTokens(String aud) {
    try {
      return BackendCredentials.tokens(issuer, SiteAccounts.INTEGRATOR, SigningKey.read(accounts.integratorKey()),
          "system/*.cruds", aud);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read the integrator's key " + accounts.integratorKey(), e);
    }
  }

  /** Tokens of one of the site's users (steward, researcher, clinician), signed in through the app; renewed. */
  public TokenSource userTokens(String user, String scope, String aud) {
    return userTokens(issuer, accounts, user, scope, aud);
  }

  /** As {@link #userTokens(String, String, String)} against the authorisation server at {@code issuer}. */
  public static TokenSource userTokens(String issuer, SiteAccounts accounts, String user, String scope, String aud) {
    return new TokenSource(() -> {
      try {
        SmartAppLogin.Tokens t = new SmartAppLogin(issuer, SiteAccounts.APP, null, SiteAccounts.APP_REDIRECT)
            .login(user, accounts.password(user), scope, aud, null);
        return new TokenSource.Fetched(t.accessToken(), t.expiresIn());
      } catch (SmartAppLogin.LoginRefused e) {
        throw new IOException(user + " could not sign in: " + e.getMessage(), e);
      }
    }, java.time.Clock.systemUTC());
  }

  @Override
  public void close() {
    context.close();
  }
}
