package org.fedfhir.auth.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

class AuthDirectoryTest {
  @Test
  void builderWritesAFileThatLoadsBackWithHashesAndPublicKeysOnly(@TempDir Path dir) throws Exception {
    AuthDirectory.Builder b = AuthDirectory.builder();
    GeneratedUser user = b.addUser("house", "Practitioner/dr-house", List.of(Role.CLINICIAN), null);
    GeneratedBackendClient backend = b.addBackendClient("pipeline", List.of("system/*.rs"), List.of(Role.INTEGRATOR));
    Path file = dir.resolve("directory.json");
    b.build().write(file);

    String json = Files.readString(file);
    assertThat(json).doesNotContain(user.password().reveal()).contains("{bcrypt}").doesNotContain("\"d\"");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    AuthDirectory loaded = AuthDirectory.load(file);
    assertThat(PasswordEncoderFactories.createDelegatingPasswordEncoder()
        .matches(user.password().reveal(), loaded.user("house").orElseThrow().passwordHash())).isTrue();
    assertThat(AuthDirectory.backendKeys(loaded.client("pipeline").orElseThrow()).getKeys().get(0).getKeyID())
        .isEqualTo(backend.keyId());
    assertThat(backend.privateKeyPem().reveal()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(user.password().toString()).doesNotContain(user.password().reveal());
  }

  @Test
  void aBadEntryIsNamedInTheError() {
    String json = """
        {"users": [{"username": "house", "passwordHash": "plain-text", "fhirUser": "Practitioner/x", "roles": []}]}
        """;
    assertThatThrownBy(() -> AuthDirectory.parse(json, "dir.json"))
        .isInstanceOf(AuthDirectoryException.class)
        .hasMessageContaining("dir.json: users[0] ('house')")
        .hasMessageContaining("bcrypt");
  }

  @Test
  void aBackendClientWithAPrivateKeyInTheFileIsRefused() {
    AuthDirectory.Builder b = AuthDirectory.builder();
    GeneratedBackendClient c = b.addBackendClient("pipeline", List.of("system/*.rs"), List.of());
    String json = "{\"clients\": [{\"clientId\": \"pipeline\", \"kind\": \"backend\", \"scopes\": [\"system/*.rs\"],"
        + " \"jwks\": {\"keys\": [" + c.privateJwk().reveal() + "]}}]}";
    assertThatThrownBy(() -> AuthDirectory.parse(json, "dir.json"))
        .hasMessageContaining("clients[0] ('pipeline')")
        .hasMessageContaining("private");
  }

  @Test
  void unknownRolesKindsAndScopesAreRefused() {
    assertThatThrownBy(() -> AuthDirectory.parse("{\"clients\": [{\"clientId\": \"x\", \"kind\": \"robot\"}]}", "d"))
        .hasMessageContaining("robot");
    assertThatThrownBy(() -> AuthDirectory.parse("{\"clients\": [{\"clientId\": \"app\", \"kind\": \"public\","
        + " \"redirectUris\": [\"https://a/cb\"], \"scopes\": [\"patient/Observation.everything\"]}]}", "d"))
        .hasMessageContaining("clients[0] ('app')").hasMessageContaining("not a SMART scope");
    assertThatThrownBy(() -> AuthDirectory.parse("{\"users\": [{\"username\": \"u\", \"roles\": [\"admin\"]}]}", "d"))
        .hasMessageContaining("admin").hasMessageContaining("data-steward");
  }
}
