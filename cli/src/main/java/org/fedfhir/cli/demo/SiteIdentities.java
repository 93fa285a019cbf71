package org.fedfhir.cli.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.fedfhir.cli.auth.LocalAuthServer;
import org.fedfhir.cli.auth.SiteAccounts;
import org.fedfhir.cli.auth.TokenSource;

/**
 * Who the demo acts as at each hospital, with the accounts each hospital made on its first start:
 * the integrator's system loads the records (SMART Backend Services), the researcher installs studies,
 * the data steward approves them and starts {@code $train} and {@code $secure-stats}, the clinician
 * asks {@code $infer}. Each signs in through the hospital's own authorisation server with PKCE, as an
 * app would; tokens are renewed before they expire.
 */
final class SiteIdentities {

  /** A user's scopes: what the role then allows (the hospital intersects them). */
  static final String USER_SCOPES = "openid fhirUser user/*.cruds";
  static final String CLINICIAN_SCOPES = "openid fhirUser user/Patient.rs user/Observation.rs user/RiskAssessment.cr";

  private final Map<String, Site> sites = new LinkedHashMap<>();

  /** One hospital's identities. */
  record Site(TokenSource integrator, TokenSource researcher, TokenSource steward, TokenSource clinician) {}

  SiteIdentities(Topology topology) {
    for (String c : topology.centres()) {
      String issuer = topology.hospitalIssuer(c);
      String aud = topology.hospitalBase(c);
      SiteAccounts accounts = new SiteAccounts(topology.hospitalAuthDir(c).resolve("directory.json"),
          topology.hospitalAuthDir(c).resolve("credentials.json"));
      LocalAuthServer auth = new LocalAuthServer(null, issuer, accounts);
      sites.put(c, new Site(auth.integratorTokens(aud),
          LocalAuthServer.userTokens(issuer, accounts, "researcher", USER_SCOPES, aud),
          LocalAuthServer.userTokens(issuer, accounts, "steward", USER_SCOPES, aud),
          LocalAuthServer.userTokens(issuer, accounts, "clinician", CLINICIAN_SCOPES, aud)));
    }
  }

  Supplier<String> integrator(String centre) {
    return sites.get(centre).integrator();
  }

  Supplier<String> researcher(String centre) {
    return sites.get(centre).researcher();
  }

  Supplier<String> steward(String centre) {
    return sites.get(centre).steward();
  }

  Supplier<String> clinician(String centre) {
    return sites.get(centre).clinician();
  }
}
