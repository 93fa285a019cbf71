package org.fedfhir.aggregator.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.fedfhir.access.Caller;
import org.fedfhir.access.NetworkIdentity;
import org.fedfhir.access.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

  private static final CertificateAuthority CA = CertificateAuthority.create("test network");

  @Test
  void siteCertificateChainsToTheNetworkCaAndNamesTheSite() throws Exception {
    Credentials site = CA.issue("cleveland");
    X509Certificate cert = site.certificate();

    Certificates.validate(cert, CA.certificate());

    assertThat(Certificates.commonName(cert)).isEqualTo("cleveland");
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getExtendedKeyUsage()).as("a site only calls: its certificate cannot serve TLS")
        .containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(cert.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(6, "urn:fedfhir:role:site"),
        List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(CA.certificate().getBasicConstraints()).isZero();
  }

  @Test
  void certificateFromAnotherCaIsRejected() {
    CertificateAuthority other = CertificateAuthority.create("rogue network");
    Credentials impostor = other.issue("cleveland");

    assertThatThrownBy(() -> Certificates.validate(impostor.certificate(), CA.certificate()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("is not valid under CA");
    assertThatThrownBy(() -> TlsMaterial.of(impostor, CA.certificate()))
        .isInstanceOf(PkiException.class);
  }

  @Test
  void keyThatDoesNotMatchTheCertificateIsRefused() {
    Credentials a = CA.issue("a");
    Credentials b = CA.issue("b");
    assertThatThrownBy(() -> TlsMaterial.of(new Credentials(a.certificate(), b.privateKey()),
        CA.certificate()))
        .hasMessageContaining("does not match the certificate of 'a'");
  }

  @Test
  void partyNamesMustBeDnsLabels() {
    assertThatThrownBy(() -> CA.issue("../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need 1–63 of a-z, 0-9 and '-'");
  }

  @Test
  void credentialsNeverPrintTheirKey() {
    Credentials site = CA.issue("zurich");
    assertThat(site.toString()).contains("key hidden")
        .doesNotContain(PemFiles.privateKeyPem(site.privateKey()).substring(30, 60));
  }

  @Test
  void initWritesCaAggregatorAndSitesWithPrivateKeyFiles(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("pki");
    CaPassphrase passphrase = CaPassphrase.of("local test passphrase");
    List<String> parties = PkiDirectory.init(dir, "local", List.of("a", "b", "c"), passphrase);

    assertThat(parties).containsExactly("aggregator", "tee", "a", "b", "c");
    assertThat(Files.readString(PkiDirectory.keyFile(dir, "b"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(PkiDirectory.keyFile(dir, "b"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(PkiDirectory.caKeyFile(dir))))
        .isEqualTo("rw-------");

    TlsMaterial b = TlsFiles.inPkiDirectory(dir, "b").load();
    assertThat(b.name()).isEqualTo("b");

    assertThatThrownBy(() -> PkiDirectory.init(dir, "local", List.of("d")))
        .hasMessageContaining("already holds a network CA");

    PkiDirectory.enrol(dir, "d", Role.SITE, List.of("d.hospital.example"), passphrase);
    TlsMaterial d = TlsFiles.inPkiDirectory(dir, "d").load();
    assertThat(d.name()).isEqualTo("d");
    assertThat(d.certificate().getSubjectAlternativeNames()).contains(List.of(2, "d.hospital.example"));
  }

  @Test
  void initNamesEachPartysHostInItsCertificate(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("pki");
    PkiDirectory.init(dir, "hosts", List.of("a", "b", "c"), CaPassphrase.of("local test passphrase"),
        java.util.Map.of("aggregator", List.of("aggregator.example.org")));

    assertThat(TlsFiles.inPkiDirectory(dir, "aggregator").load().certificate().getSubjectAlternativeNames())
        .contains(List.of(2, "aggregator.example.org"), List.of(2, "localhost"));
    assertThat(TlsFiles.inPkiDirectory(dir, "a").load().certificate().getSubjectAlternativeNames())
        .doesNotContain(List.of(2, "aggregator.example.org"));
  }

  @Test
  void everyCertificateCarriesItsRoleForTheServersThatAuthoriseByIt() throws Exception {
    assertThat(NetworkIdentity.of(CA.issue("aggregator").certificate()))
        .contains(Caller.networkParty("aggregator", Role.AGGREGATOR));
    assertThat(NetworkIdentity.of(CA.issue("tee").certificate())).contains(Caller.networkParty("tee", Role.TEE));
    assertThat(NetworkIdentity.of(CA.issue("cleveland").certificate()))
        .contains(Caller.networkParty("cleveland", Role.SITE));
    Credentials researcher = CA.issue("alice", Role.RESEARCHER, List.of());
    assertThat(NetworkIdentity.of(researcher.certificate()).orElseThrow().roles()).containsExactly(Role.RESEARCHER);
    assertThat(researcher.certificate().getExtendedKeyUsage()).as("a researcher's certificate serves no TLS")
        .containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(researcher.certificate().getSubjectAlternativeNames()).contains(List.of(6, "urn:fedfhir:role:researcher"));
    assertThat(CA.issue("aggregator").certificate().getExtendedKeyUsage()).as("the aggregator serves and calls")
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(CA.issue("tee").certificate().getExtendedKeyUsage()).as("the TEE serves")
        .contains("1.3.6.1.5.5.7.3.1");
    assertThatThrownBy(() -> CA.issue("bob", Role.CLINICIAN, List.of()))
        .hasMessageContaining("clinician is not carried by certificates");
  }
}
