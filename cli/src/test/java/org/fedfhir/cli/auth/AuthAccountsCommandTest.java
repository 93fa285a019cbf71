package org.fedfhir.cli.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.fedfhir.auth.directory.AuthDirectory;
import org.fedfhir.auth.directory.DirectoryUser;
import org.fedfhir.auth.directory.Role;
import org.fedfhir.cli.FedFhir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./fedfhir auth accounts}: a hospital's accounts for an authorisation server run apart. */
class AuthAccountsCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new FedFhir());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void makesADirectoryTheServerLoadsWithThePasswordsAndKeyReadableByTheirOwnerOnly(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("hospital-a-auth");

    int code = run("auth", "accounts", "--dir", dir.toString(), "--site", "hospital-a",
        "--resource", "https://hospital-a.example:8441/fhir");

    assertThat(code).as(err.toString()).isZero();
    AuthDirectory directory = AuthDirectory.load(dir.resolve("directory.json"));
    assertThat(directory.users()).extracting(DirectoryUser::username)
        .containsExactlyInAnyOrder("steward", "researcher", "clinician");
    assertThat(directory.users()).filteredOn(u -> u.username().equals("steward"))
        .allSatisfy(u -> assertThat(u.roles()).containsExactly(Role.DATA_STEWARD));
    String published = Files.readString(dir.resolve("directory.json"));
    String passwords = Files.readString(dir.resolve("credentials.json"));
    assertThat(published).doesNotContain(new SiteAccounts(dir.resolve("directory.json"),
        dir.resolve("credentials.json")).password("steward")).doesNotContain("PRIVATE KEY");
    assertThat(passwords).contains("steward");
    for (String secret : new String[] {"credentials.json", "integrator-key.pem"}) {
      assertThat(Files.getPosixFilePermissions(dir.resolve(secret))).as(secret)
          .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }
    assertThat(out.toString()).contains("made the accounts of hospital-a");
  }

  @Test
  void keepsExistingAccountsRatherThanChangingTheirPasswords(@TempDir Path dir) throws Exception {
    run("auth", "accounts", "--dir", dir.toString(), "--site", "hospital-b", "--resource", "https://b.example/fhir");
    String before = Files.readString(dir.resolve("credentials.json"));

    int code = run("auth", "accounts", "--dir", dir.toString(), "--site", "hospital-b",
        "--resource", "https://b.example/fhir");

    assertThat(code).isZero();
    assertThat(Files.readString(dir.resolve("credentials.json"))).isEqualTo(before);
    assertThat(out.toString()).contains("kept the existing accounts");
  }

  @Test
  void theServerWithoutADirectorySaysItNeedsOne() {
    int code = run("auth", "--resource", "https://a.example/fhir");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString() + out.toString()).contains("directory file is required");
  }
}
