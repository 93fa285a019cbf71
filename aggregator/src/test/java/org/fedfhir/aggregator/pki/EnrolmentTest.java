package org.fedfhir.aggregator.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.fedfhir.access.Caller;
import org.fedfhir.access.NetworkIdentity;
import org.fedfhir.access.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Enrolment: each party makes its own key and request; the operator's CA signs requests, never keys. */
class EnrolmentTest {

  private static final CaPassphrase PASSPHRASE = CaPassphrase.of("correct horse battery staple");

  @TempDir
  Path tmp;

  @Test
  void aPartyMakesItsKeyAndRequestInItsOwnDirectoryAndTheOperatorSignsTheRequest() throws Exception {
    Path operator = tmp.resolve("operator-ca");
    Path hospital = tmp.resolve("cleveland");
    CertificateAuthority created = CaDirectory.create(operator, "test network", PASSPHRASE);

    PKCS10CertificationRequest request = PartyDirectory.request(hospital, "cleveland", Role.SITE,
        List.of("fhir.cleveland.example"));
    X509Certificate cert = CaDirectory.sign(operator, CaDirectory.open(operator, PASSPHRASE), request);
    PartyDirectory.deliver(hospital, "cleveland", cert, created.certificate());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(PartyDirectory.keyFile(hospital, "cleveland"))))
        .isEqualTo("rw-------");
    assertThat(Files.readString(PartyDirectory.requestFile(hospital, "cleveland")))
        .startsWith("-----BEGIN CERTIFICATE REQUEST-----");
    assertThat(NetworkIdentity.of(cert)).contains(Caller.networkParty("cleveland", Role.SITE));
    assertThat(cert.getSubjectAlternativeNames()).contains(List.of(6, "urn:fedfhir:role:site"),
        List.of(2, "fhir.cleveland.example"), List.of(2, "localhost"));
    assertThat(TlsFiles.inPkiDirectory(tmp, "cleveland").load().name()).isEqualTo("cleveland");
    assertThat(CaDirectory.issuedTo(operator, "cleveland")).containsExactly(cert);
  }

  @Test
  void noFileTheOperatorHoldsContainsAPrivateKeyButTheEncryptedCaKey() throws Exception {
    PkiDirectory.init(tmp, "test network", List.of("cleveland", "hungarian"), PASSPHRASE);
    PkiDirectory.enrol(tmp, "alice", Role.RESEARCHER, List.of(), PASSPHRASE);
    PkiDirectory.revoke(tmp, "hungarian", PASSPHRASE);

    try (Stream<Path> files = Files.walk(PkiDirectory.caDirectory(tmp))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String content = Files.readString(f, StandardCharsets.ISO_8859_1);
        if (f.equals(PkiDirectory.caKeyFile(tmp))) {
          assertThat(content).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
              .doesNotContain("BEGIN PRIVATE KEY");
        } else {
          assertThat(content).as(f.toString()).doesNotContain("PRIVATE KEY");
        }
      }
    }
    for (String party : List.of("aggregator", "tee", "cleveland", "hungarian", "alice")) {
      assertThat(PkiDirectory.keyFile(tmp, party)).startsWith(PkiDirectory.partyDirectory(tmp, party));
      assertThat(Files.readString(PkiDirectory.keyFile(tmp, party))).startsWith("-----BEGIN PRIVATE KEY-----");
    }
  }

  @Test
  void theCaKeyCannotBeReadWithoutItsPassphrase() {
    PkiDirectory.init(tmp, "test network", List.of("cleveland"), PASSPHRASE);
    Path caDir = PkiDirectory.caDirectory(tmp);

    assertThatThrownBy(() -> PemFiles.readPrivateKey(CaDirectory.keyFile(caDir)))
        .isInstanceOf(PkiException.class).hasMessageContaining("no unencrypted PEM private key");
    assertThatThrownBy(() -> CaDirectory.open(caDir, CaPassphrase.of("incorrect horse battery")))
        .isInstanceOf(PkiException.class).hasMessageContaining("wrong passphrase");
    assertThatThrownBy(() -> PkiDirectory.revoke(tmp, "cleveland", CaPassphrase.of("incorrect horse battery")))
        .hasMessageContaining("wrong passphrase");
    assertThat(CaDirectory.open(caDir, PASSPHRASE).certificate().getSubjectX500Principal().getName())
        .contains("test network CA");
  }

  @Test
  void aRequestWithAForgedSignatureIsRefused() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test network");
    KeyPair mercy = CertificateAuthority.newKeyPair(new SecureRandom());
    KeyPair cleveland = CertificateAuthority.newKeyPair(new SecureRandom());
    PKCS10CertificationRequest signedByMercy = CertificateRequests.create("mercy", Role.SITE, List.of(), mercy);
    PKCS10CertificationRequest forClevelandsKey = CertificateRequests.create("cleveland", Role.SITE, List.of(),
        cleveland);
    // cleveland's key and name under mercy's signature: whoever sends it does not hold the key it names
    PKCS10CertificationRequest forged = new PKCS10CertificationRequest(new CertificationRequest(
        forClevelandsKey.toASN1Structure().getCertificationRequestInfo(), signedByMercy.getSignatureAlgorithm(),
        new DERBitString(signedByMercy.getSignature())));

    assertThatThrownBy(() -> ca.sign(forged)).isInstanceOf(PkiException.class)
        .hasMessageContaining("signature does not verify");
  }

  @Test
  void aRequestForAnUnknownRoleOrNoRoleIsRefused() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test network");

    assertThatThrownBy(() -> ca.sign(requestWithSan("mercy", "urn:fedfhir:role:admin")))
        .isInstanceOf(PkiException.class).hasMessageContaining("role 'admin'");
    assertThatThrownBy(() -> ca.sign(requestWithSan("mercy", "urn:fedfhir:role:clinician")))
        .isInstanceOf(PkiException.class).hasMessageContaining("role 'clinician'");
    assertThatThrownBy(() -> ca.sign(requestWithSan("mercy", null)))
        .isInstanceOf(PkiException.class).hasMessageContaining("names no role");
    assertThatThrownBy(() -> ca.sign(requestWithSan("aggregator", "urn:fedfhir:role:site")))
        .as("a site may not take the aggregator's name")
        .isInstanceOf(PkiException.class).hasMessageContaining("reserved for the aggregator");
  }

  /** A correctly signed request for {@code cn} whose only SAN is {@code roleUri} (none if null). */
  private static PKCS10CertificationRequest requestWithSan(String cn, String roleUri) throws Exception {
    KeyPair keys = CertificateAuthority.newKeyPair(new SecureRandom());
    JcaPKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn),
        keys.getPublic());
    if (roleUri != null) {
      ExtensionsGenerator ext = new ExtensionsGenerator();
      ext.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, roleUri)));
      b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
    }
    return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
  }
}
