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
 * SMART Backend Services client-credentials flow; or {@code --user NAME --accounts DIR --aud URL}: a
 * hospital user (steward, researcher, clinician) signs in through FedFHIR's app with PKCE, the password
 * read from the accounts' {@code credentials.json}. Prints only the access token, so
 * {@code TOKEN=$(./fedfhir token …)} works. Keys and passwords come from files, never from argv.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
        "Get an access token as a SMART backend-services client (client_credentials, signed",
        "assertion), or as one of a hospital's users (--user, --accounts: a scripted app login with PKCE).",
        "Prints only the token on standard output."})
public final class TokenCommand implements Callable<Integer> {

  @Option(names = "--issuer", required = true, description = "Issuer URL of the authorisation server.")
  String issuer;

  @Option(names = "--client", description = "The backend client's id.")
  String client;

  @Option(names = "--key", description = "Private key file: JWK (JSON) or PKCS#8 PEM, EC P-384 or RSA.")
  Path key;

  @Option(names = "--user", description = "Sign in as this user of the hospital's accounts instead (steward, "
      + "researcher, clinician).")
  String user;

  @Option(names = "--accounts", description = "The hospital's accounts directory (./fedfhir hospital --auth-dir; "
      + "default data/hospitals/NAME/auth) holding credentials.json.")
  Path accounts;

  @Option(names = "--scope", defaultValue = "system/*.rs", description = "Scopes, space-separated. Default ${DEFAULT-VALUE}.")
  String scope;

  @Option(names = "--aud", description = "Narrow the token's audience to this resource server (FHIR base URL).")
  String aud;

  @Override
  public Integer call() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    if (user != null) {
      if (accounts == null || aud == null) {
        System.err.println("fedfhir token: --user needs --accounts and --aud (the FHIR server the token is for)");
        return 2;
      }
      try {
        System.out.println(LocalAuthServer.userTokens(issuer, new SiteAccounts(accounts.resolve("directory.json"),
            accounts.resolve("credentials.json")), user, scope, aud).get());
        return 0;
      } catch (RuntimeException e) {
        System.err.println("fedfhir token: " + e.getMessage());
        return 1;
      }
    }
    if (client == null || key == null) {
      System.err.println("fedfhir token: give --client and --key (a backend-services client), or --user and --accounts");
      return 2;
    }
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
