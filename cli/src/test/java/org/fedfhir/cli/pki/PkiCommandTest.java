package org.fedfhir.cli.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.fedfhir.access.NetworkIdentity;
import org.fedfhir.access.Role;
import org.fedfhir.aggregator.pki.PemFiles;
import org.fedfhir.cli.FedFhir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./fedfhir pki init --ca / request / sign / revoke} as an operator and a hospital would run them. */
class PkiCommandTest {

  @TempDir
  Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run fedfhir(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new CommandLine(new FedFhir()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path passphraseFile() throws Exception {
    return Files.writeString(tmp.resolve("passphrase"), "an operator's long passphrase\n");
  }

  @Test
  void aHospitalRequestsTheOperatorSignsAndTheOperatorNeverHoldsTheHospitalsKey() throws Exception {
    Path ca = tmp.resolve("operator/ca");
    Path hospital = tmp.resolve("hospital");
    String pass = passphraseFile().toString();

    assertThat(fedfhir("pki", "init", "--ca", ca.toString(), "--passphrase-file", pass).code()).isZero();
    Run request = fedfhir("pki", "request", "--dir", hospital.toString(), "--name", "cleveland", "--role", "site",
        "--dns", "fhir.cleveland.example");
    assertThat(request.code()).as(request.err()).isZero();
    Run sign = fedfhir("pki", "sign", "--ca", ca.toString(), "--csr", hospital.resolve("cleveland-csr.pem").toString(),
        "--passphrase-file", pass);
    assertThat(sign.code()).as(sign.err()).isZero();
    assertThat(sign.out()).contains("signed cleveland (role site, DNS fhir.cleveland.example");

    var cert = PemFiles.readCertificate(hospital.resolve("cleveland-cert.pem"));
    assertThat(NetworkIdentity.of(cert).orElseThrow().roles()).containsExactly(Role.SITE);
    assertThat(hospital.resolve("ca-cert.pem")).exists();
    try (Stream<Path> files = Files.walk(tmp.resolve("operator"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String content = Files.readString(f);
        assertThat(content.replace("ENCRYPTED PRIVATE KEY", "")).as(f.toString()).doesNotContain("PRIVATE KEY");
      }
    }
  }

  @Test
  void signRefusesAnAlteredRequestWithAClearMessage() throws Exception {
    Path ca = tmp.resolve("ca");
    String pass = passphraseFile().toString();
    fedfhir("pki", "init", "--ca", ca.toString(), "--passphrase-file", pass);
    fedfhir("pki", "request", "--dir", tmp.resolve("h").toString(), "--name", "mercy", "--role", "site");
    Path csr = tmp.resolve("h/mercy-csr.pem");
    var original = PemFiles.readCertificationRequest(csr);
    byte[] der = original.getEncoded();
    der[der.length - 5] ^= 1; // a bit of the signature flipped
    Path altered = Files.writeString(tmp.resolve("altered.pem"), PemFiles.certificationRequestPem(
        new org.bouncycastle.pkcs.PKCS10CertificationRequest(der)));

    Run sign = fedfhir("pki", "sign", "--ca", ca.toString(), "--csr", altered.toString(), "--passphrase-file", pass);

    assertThat(sign.code()).isEqualTo(1);
    assertThat(sign.err()).contains("fedfhir pki sign:").contains("signature");
    assertThat(tmp.resolve("mercy-cert.pem")).doesNotExist();
  }

  @Test
  void theCaNeedsAPassphraseFromAFileOrTheEnvironmentNeverTheCommandLine() {
    Run init = fedfhir("pki", "init", "--ca", tmp.resolve("ca").toString());

    if (System.getenv("FEDFHIR_CA_PASSPHRASE") == null) {
      assertThat(init.code()).isEqualTo(1);
      assertThat(init.err()).contains("--passphrase-file").contains("FEDFHIR_CA_PASSPHRASE");
    }
    assertThat(fedfhir("pki", "init", "--ca", tmp.resolve("ca2").toString(), "--passphrase", "x").code())
        .as("there is no --passphrase option").isEqualTo(2);
  }
}
