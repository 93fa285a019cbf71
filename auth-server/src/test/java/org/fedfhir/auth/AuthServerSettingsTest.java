package org.fedfhir.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthServerSettingsTest {
  @Test
  void defaultsAreLoopbackFiveMinutesAndAnIssuerFromThePort(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("d.json"), "{}");
    AuthServerSettings s = AuthServerSettings.of(file, List.of("https://fhir.example/fhir")).withPort(9443);
    assertThat(s.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(s.accessTokenLifetime()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.issuerUrl()).isEqualTo("http://localhost:9443");
    assertThat(s.withIssuer("https://auth.example/").issuerUrl()).isEqualTo("https://auth.example");
  }

  @Test
  void badValuesAreNamed(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("d.json"), "{}");
    AuthServerSettings ok = AuthServerSettings.of(file, List.of("https://fhir.example/fhir"));
    assertThatThrownBy(() -> ok.withPort(70000)).hasMessageContaining("port 70000");
    assertThatThrownBy(() -> ok.withIssuer("ftp://x")).hasMessageContaining("issuer 'ftp://x'");
    assertThatThrownBy(() -> ok.withAccessTokenLifetime(Duration.ofHours(2))).hasMessageContaining("PT2H");
    assertThatThrownBy(() -> ok.withTls(file, null)).hasMessageContaining("both");
    assertThatThrownBy(() -> AuthServerSettings.of(dir.resolve("missing.json"), List.of("https://f/fhir")))
        .hasMessageContaining("missing.json");
    assertThatThrownBy(() -> AuthServerSettings.of(file, List.of())).hasMessageContaining("resource");
  }
}
