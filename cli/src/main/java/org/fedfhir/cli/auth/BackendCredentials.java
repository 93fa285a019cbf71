package org.fedfhir.cli.auth;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.fedfhir.auth.client.BackendServicesClient;
import org.fedfhir.auth.client.SigningKey;
import picocli.CommandLine.Option;

/**
 * How a command authenticates to a FHIR server as a system (picocli mixin): SMART Backend Services
 * with a client id and its private key file ({@code --issuer --client --key}), or a bearer token read
 * from a file ({@code --token-file}). Secrets come from files, never from the command line.
 */
public final class BackendCredentials {

  @Option(names = "--issuer", paramLabel = "URL", description = "Authorisation server (SMART Backend Services).")
  String issuer;

  @Option(names = "--client", paramLabel = "ID", description = "Backend-services client id (e.g. integrator).")
  String client;

  @Option(names = "--key", paramLabel = "FILE", description = "The client's private key (PEM or JWK), e.g. "
      + "data/hospitals/NAME/auth/integrator-key.pem.")
  Path key;

  @Option(names = "--token-file", paramLabel = "FILE", description = "Or: a file holding a bearer access token.")
  Path tokenFile;

  @Option(names = "--scope", defaultValue = "system/*.cruds", description = "Scope to ask for (default ${DEFAULT-VALUE}).")
  String scope;

  /** The tokens to send to {@code aud}, or null when none was configured (a server without authentication). */
  public Supplier<String> tokens(String aud) throws IOException {
    if (tokenFile != null) {
      String token = Files.readString(tokenFile).strip();
      return () -> token;
    }
    if (issuer == null && client == null && key == null) {
      return null;
    }
    if (issuer == null || client == null || key == null) {
      throw new IllegalArgumentException("--issuer, --client and --key go together");
    }
    return tokens(issuer, client, SigningKey.read(key), scope, aud);
  }

  /** Backend-services tokens of {@code client} (signing its assertions with {@code key}), renewed. */
  public static TokenSource tokens(String issuer, String client, SigningKey key, String scope, String aud) {
    return new TokenSource(() -> {
      try {
        var t = BackendServicesClient.discover(HttpClient.newHttpClient(), issuer, client, key)
            .requestToken(scope, aud);
        return new TokenSource.Fetched(t.accessToken(), t.expiresIn() == null ? Duration.ofMinutes(5) : t.expiresIn());
      } catch (IOException | InterruptedException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("the token request of " + client + " was refused: " + e.getMessage(), e);
      }
    }, Clock.systemUTC());
  }
}
