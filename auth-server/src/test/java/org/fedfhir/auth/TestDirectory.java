package org.fedfhir.auth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.fedfhir.auth.directory.AuthDirectory;
import org.fedfhir.auth.directory.GeneratedBackendClient;
import org.fedfhir.auth.directory.GeneratedUser;
import org.fedfhir.auth.directory.Role;
import org.fedfhir.auth.directory.Secret;

/** The users and clients the server tests run against, written with {@link AuthDirectory.Builder}. */
public final class TestDirectory {
  public static final String HOSPITAL_A = "https://fhir.example/hospital-a/fhir";
  public static final String HOSPITAL_B = "https://fhir.example/hospital-b/fhir";
  public static final String APP_CALLBACK = "https://app.example/callback";
  public static final List<String> APP_SCOPES = List.of("launch", "launch/patient", "openid", "fhirUser",
      "offline_access", "patient/Observation.rs", "patient/RiskAssessment.c", "user/*.rs");

  public final Path file;
  public final GeneratedUser clinician;
  public final GeneratedUser patient;
  public final Secret appSecret;
  public final Secret ehrSecret;
  public final GeneratedBackendClient pipeline;
  public final GeneratedBackendClient intruder;

  public TestDirectory(Path dir) throws IOException {
    AuthDirectory.Builder b = AuthDirectory.builder();
    clinician = b.addUser("house", "Practitioner/dr-house", List.of(Role.CLINICIAN), null);
    patient = b.addUser("pat", "Patient/p-7", List.of(), "p-7");
    appSecret = b.addConfidentialClient("risk-app", List.of(APP_CALLBACK), APP_SCOPES, false);
    ehrSecret = b.addConfidentialClient("ehr", List.of("https://ehr.example/cb"), List.of("user/*.rs"), true);
    b.addPublicClient("patient-app", List.of(APP_CALLBACK), List.of("launch/patient", "openid", "fhirUser",
        "patient/*.rs"));
    pipeline = b.addBackendClient("pipeline", List.of("system/*.rs"), List.of(Role.INTEGRATOR, Role.DATA_STEWARD));
    // A key pair of the same shape that the server does not know: generated, then dropped from the file.
    intruder = AuthDirectory.builder().addBackendClient("pipeline", List.of("system/*.rs"), List.of());
    file = dir.resolve("directory.json");
    b.build().write(file);
  }

  public AuthServerSettings settings() {
    return AuthServerSettings.of(file, List.of(HOSPITAL_A, HOSPITAL_B));
  }
}
