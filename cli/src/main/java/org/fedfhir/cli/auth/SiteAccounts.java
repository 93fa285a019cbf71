package org.fedfhir.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedfhir.auth.directory.AuthDirectory;
import org.fedfhir.auth.directory.GeneratedBackendClient;
import org.fedfhir.auth.directory.OwnerOnlyFiles;
import org.fedfhir.auth.directory.Role;

/**
 * A hospital's first accounts on FedFHIR's own authorisation server, made when it starts without a
 * directory: a data steward, a researcher and a clinician (random passwords), the SMART app the
 * command line and the demo sign in through ({@value #APP}, public, PKCE), the clinicians' risk app the
 * hospital serves ({@value #RISK_APP}, public, PKCE; the clinician approves its scopes at sign-in), an EHR
 * client that may
 * create launch contexts ({@value #EHR}) and an integrator's backend-services client
 * ({@value #INTEGRATOR}, its EC P-384 key). The directory file keeps only bcrypt hashes and public
 * keys; the passwords and the EHR secret go once into {@code credentials.json} beside it, the
 * integrator's private key into {@code integrator-key.pem}, both readable by their owner only.
 */
public record SiteAccounts(Path directory, Path credentials) {

  public static final String APP = "fedfhir-app";
  /** The clinicians' risk app the hospital serves at {@code /apps/risk/} (public, PKCE, EHR or standalone launch). */
  public static final String RISK_APP = "fedfhir-risk";
  /**
   * What the risk app may ask for: the launch patient's record and risk, the studies, and the Provenance of a
   * saved risk (not in the patient's compartment: its target is the RiskAssessment).
   */
  public static final List<String> RISK_APP_SCOPES = List.of("launch", "launch/patient", "openid", "fhirUser",
      "patient/Patient.rs", "patient/Observation.rs", "patient/Condition.rs", "patient/RiskAssessment.cr",
      "user/Provenance.rs", "user/PlanDefinition.rs");
  public static final String EHR = "ehr";
  public static final String INTEGRATOR = "integrator";
  /** The redirect the command line's app registers (never served: the login is scripted). */
  public static final String APP_REDIRECT = "http://localhost/fedfhir-app/callback";
  /** The scopes the app may ask for. */
  public static final List<String> APP_SCOPES = List.of("openid", "fhirUser", "launch", "launch/patient",
      "offline_access", "user/*.cruds", "patient/*.rs", "patient/RiskAssessment.c");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The accounts under {@code dir} ({@code directory.json}, {@code credentials.json}), made if absent.
   *
   * @param hospitalBase the hospital's FHIR base URL: the risk app it serves is registered there
   */
  public static SiteAccounts inDirectory(Path dir, String site, String hospitalBase) {
    SiteAccounts a = new SiteAccounts(dir.resolve("directory.json"), dir.resolve("credentials.json"));
    if (!Files.exists(a.directory())) {
      a.create(site, hospitalBase);
    }
    return a;
  }

  /** Where the risk app served with the hospital at {@code hospitalBase} receives its authorization code. */
  public static String riskAppRedirect(String hospitalBase) {
    return riskAppBase(hospitalBase) + "index.html";
  }

  /** The risk app's folder beside the hospital's FHIR base: {@code http://host:port/fhir} → {@code http://host:port/apps/risk/}. */
  public static String riskAppBase(String hospitalBase) {
    java.net.URI base = java.net.URI.create(hospitalBase);
    return base.getScheme() + "://" + base.getAuthority() + "/apps/risk/";
  }

  private void create(String site, String hospitalBase) {
    AuthDirectory.Builder b = AuthDirectory.builder();
    ObjectNode creds = JSON.createObjectNode();
    ObjectNode users = creds.putObject("users");
    users.put("steward", b.addUser("steward", "Practitioner/" + site + "-steward", List.of(Role.DATA_STEWARD), null)
        .password().reveal());
    users.put("researcher", b.addUser("researcher", "Practitioner/" + site + "-researcher",
        List.of(Role.RESEARCHER), null).password().reveal());
    users.put("clinician", b.addUser("clinician", "Practitioner/" + site + "-clinician", List.of(Role.CLINICIAN), null)
        .password().reveal());
    b.addPublicClient(APP, List.of(APP_REDIRECT), APP_SCOPES);
    b.addBrowserApp(RISK_APP, List.of(riskAppRedirect(hospitalBase)), RISK_APP_SCOPES);
    creds.put("ehrSecret", b.addConfidentialClient(EHR, List.of(APP_REDIRECT), List.of("openid", "fhirUser"), true)
        .reveal());
    GeneratedBackendClient integrator = b.addBackendClient(INTEGRATOR, List.of("system/*.cruds"),
        List.of(Role.INTEGRATOR));
    try {
      Files.createDirectories(directory.toAbsolutePath().getParent());
      OwnerOnlyFiles.write(integratorKey(), integrator.privateKeyPem().reveal());
      b.build().write(directory);
      OwnerOnlyFiles.write(credentials, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(creds));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the site's accounts under " + directory.getParent(), e);
    }
  }

  /** A user's password from the credentials file (steward, researcher, clinician). */
  public String password(String user) {
    return read().path("users").path(user).asText();
  }

  /** The EHR client's secret. */
  public String ehrSecret() {
    return read().path("ehrSecret").asText();
  }

  /** The integrator backend client's private key (PEM, owner-only): {@code ./fedfhir token --key}. */
  public Path integratorKey() {
    return directory.resolveSibling("integrator-key.pem");
  }

  private JsonNode read() {
    try {
      return JSON.readTree(Files.readString(credentials));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + credentials, e);
    }
  }

  @Override
  public String toString() {
    return "SiteAccounts[" + directory + ", credentials in " + credentials + "]";
  }
}
