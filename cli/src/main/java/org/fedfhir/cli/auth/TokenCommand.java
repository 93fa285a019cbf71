package org.fedfhir.cli.auth;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.fedfhir.auth.client.BackendServicesClient;
import org.fedfhir.auth.client.BackendServicesException;
import org.fedfhir.auth.client.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir token --issuer URL --client ID --key FILE --scope "system/*.rs" [--aud URL]}:
 * SMART Backend Services client-credentials flow; prints only the access token, so
 * {@code TOKEN=$(./fedfhir token …)} works. The private key comes from a file (JWK or PKCS#8 PEM).
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
        "Get an access token as a SMART backend-services client (client_credentials, signed",
        "assertion). Prints only the token on standard output."})
public final class TokenCommand implements Callable<Integer> {

  @Option(names = "--issuer", required = true, description = "Issuer URL of the authorisation server.")
  String issuer;

  @Option(names = "--client", required = true, description = "The backend client's id.")
  String client;

  @Option(names = "--key", required = true, description = "Private key file: JWK (JSON) or PKCS#8 PEM, EC P-384 or RSA.")
  Path key;

  @Option(names = "--scope", defaultValue = "system/*.rs", description = "Scopes, space-separated. Default ${DEFAULT-VALUE}.")
  String scope;

  @Option(names = "--aud", description = "Narrow the token's audience to this resource server (FHIR base URL).")
  String aud;

  @Override
  public Integer call() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try {
      BackendServicesClient c = BackendServicesClient.discover(http, issuer, client, SigningKey.read(key));
      System.out.println(c.requestToken(scope, aud).accessToken());
      return 0;
    } catch (BackendServicesException e) {
      System.err.println("fedfhir token: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      System.err.println("fedfhir token: " + e.getMessage());
      return 2;
    }
  }
}
