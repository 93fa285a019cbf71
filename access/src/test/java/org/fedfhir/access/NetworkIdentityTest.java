package org.fedfhir.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** The role a network certificate gives its holder: the SAN role URI, the OU only for older certificates. */
class NetworkIdentityTest {

  private static X509Certificate certificate(String subject, String... roleUris) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();
    Instant now = Instant.now();
    var b = new JcaX509v3CertificateBuilder(new X500Name("CN=test CA"), BigInteger.TWO, Date.from(now),
        Date.from(now.plusSeconds(60)), new X500Name(subject), keys.getPublic());
    if (roleUris.length > 0) {
      GeneralName[] names = new GeneralName[roleUris.length];
      for (int i = 0; i < roleUris.length; i++) {
        names[i] = new GeneralName(GeneralName.uniformResourceIdentifier, roleUris[i]);
      }
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  @Test
  void theSanRoleUriNamesTheRole() throws Exception {
    assertThat(NetworkIdentity.of(certificate("CN=cleveland", "urn:fedfhir:role:site")))
        .contains(Caller.networkParty("cleveland", Role.SITE));
    assertThat(NetworkIdentity.of(certificate("CN=aggregator,OU=aggregator", "urn:fedfhir:role:aggregator")))
        .contains(Caller.networkParty("aggregator", Role.AGGREGATOR));
    assertThat(NetworkIdentity.roleUri(Role.TEE)).isEqualTo("urn:fedfhir:role:tee");
  }

  @Test
  void aCertificateWithoutARoleUriIsReadByItsOu() throws Exception {
    assertThat(NetworkIdentity.of(certificate("CN=hungarian,OU=site")))
        .contains(Caller.networkParty("hungarian", Role.SITE));
  }

  @Test
  void aCertificateWhoseUriAndOuDisagreeOrWithTwoRolesNamesNoRole() throws Exception {
    assertThat(NetworkIdentity.of(certificate("CN=aggregator,OU=aggregator", "urn:fedfhir:role:site"))).isEmpty();
    assertThat(NetworkIdentity.of(certificate("CN=mercy", "urn:fedfhir:role:site", "urn:fedfhir:role:aggregator")))
        .isEmpty();
    assertThat(NetworkIdentity.of(certificate("CN=mercy", "urn:fedfhir:role:clinician"))).isEmpty();
    assertThat(NetworkIdentity.of(certificate("CN=nobody"))).isEmpty();
  }

  @Test
  void otherSanUrisDoNotCount() throws Exception {
    assertThat(NetworkIdentity.of(certificate("CN=mercy,OU=site", "https://mercy.example/")).map(Caller::roles))
        .contains(java.util.Set.of(Role.SITE));
  }
}
