package org.fedfhir.federation;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.fedfhir.federation.SessionKeyEndorsement.Endorsement;
import org.fedfhir.federation.SessionKeyEndorsement.RefusedException;
import org.fedfhir.federation.SessionKeyEndorsement.Subject;
import org.junit.jupiter.api.Test;

/** A site's session key endorsed by its network certificate, and every way a substitute is refused. */
class SessionKeyEndorsementTest {

  static final SecureRandom RANDOM = new SecureRandom();

  static KeyPair ecKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  static X509Certificate certificate(String cn, PublicKey subject, String issuer, PrivateKey issuerKey, Instant from,
      Instant to) throws Exception {
    return certificate(cn, "site", subject, issuer, issuerKey, from, to);
  }

  /** A certificate for {@code cn} in {@code role} (the OU, as {@code ./fedfhir pki} issues it). */
  static X509Certificate certificate(String cn, String role, PublicKey subject, String issuer, PrivateKey issuerKey,
      Instant from, Instant to) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer),
        BigInteger.valueOf(RANDOM.nextLong() & Long.MAX_VALUE), Date.from(from), Date.from(to),
        new X500Name("OU=" + role + ",CN=" + cn), subject)
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  /** A network CA and a site "cleveland" it certified. */
  record Network(X509Certificate ca, KeyPair caKeys, X509Certificate site, KeyPair siteKeys) {
    static Network create() throws Exception {
      Instant now = Instant.now();
      KeyPair caKeys = ecKeys();
      X509Certificate ca = certificate("fedfhir-network-ca", caKeys.getPublic(), "fedfhir-network-ca",
          caKeys.getPrivate(), now.minus(1, ChronoUnit.DAYS), now.plus(30, ChronoUnit.DAYS));
      KeyPair siteKeys = ecKeys();
      X509Certificate site = certificate("cleveland", siteKeys.getPublic(), "fedfhir-network-ca", caKeys.getPrivate(),
          now.minus(1, ChronoUnit.DAYS), now.plus(30, ChronoUnit.DAYS));
      return new Network(ca, caKeys, site, siteKeys);
    }
  }

  static Subject subject(byte[] key) {
    return new Subject("http://fedfhir.org/fhir/PlanDefinition/heart-disease", "1", new byte[32], key);
  }

  static byte[] key(int fill) {
    byte[] k = new byte[32];
    java.util.Arrays.fill(k, (byte) fill);
    return k;
  }

  @Test
  void aKeyEndorsedByTheSitesNetworkCertificateIsAccepted() throws Exception {
    Network n = Network.create();
    Endorsement e = new SessionKeyEndorsement.Signer(n.site(), n.siteKeys().getPrivate()).endorse(subject(key(1)));

    assertThatCode(() -> new SessionKeyEndorsement.Verifier(n.ca()).verify("cleveland", subject(key(1)), e))
        .doesNotThrowAnyException();
  }

  @Test
  void aSubstitutedKeyAnotherStudyAnotherSiteOrNoEndorsementIsRefused() throws Exception {
    Network n = Network.create();
    SessionKeyEndorsement.Verifier verifier = new SessionKeyEndorsement.Verifier(n.ca());
    Endorsement e = new SessionKeyEndorsement.Signer(n.site(), n.siteKeys().getPrivate()).endorse(subject(key(1)));

    assertThatThrownBy(() -> verifier.verify("cleveland", subject(key(2)), e)).isInstanceOf(RefusedException.class)
        .hasMessageContaining("did not sign this session key");
    assertThatThrownBy(() -> verifier.verify("cleveland", new Subject("http://fedfhir.org/fhir/PlanDefinition/other",
        "1", new byte[32], key(1)), e)).isInstanceOf(RefusedException.class);
    assertThatThrownBy(() -> verifier.verify("hungarian", subject(key(1)), e)).isInstanceOf(RefusedException.class)
        .hasMessageContaining("presented the certificate of 'cleveland'");
    assertThatThrownBy(() -> verifier.verify("cleveland", subject(key(1)), new Endorsement(new byte[0], new byte[0])))
        .isInstanceOf(RefusedException.class).hasMessageContaining("sent no certificate");
  }

  @Test
  void aCertificateFromAnotherCaOrOutOfItsValidityIsRefused() throws Exception {
    Network n = Network.create();
    Network rogue = Network.create(); // what an aggregator could mint: a CA of its own
    Endorsement forged = new SessionKeyEndorsement.Signer(rogue.site(), rogue.siteKeys().getPrivate())
        .endorse(subject(key(1)));
    assertThatThrownBy(() -> new SessionKeyEndorsement.Verifier(n.ca()).verify("cleveland", subject(key(1)), forged))
        .isInstanceOf(RefusedException.class).hasMessageContaining("not issued by the network CA");

    Instant now = Instant.now();
    X509Certificate expired = certificate("cleveland", n.siteKeys().getPublic(), "fedfhir-network-ca",
        n.caKeys().getPrivate(), now.minus(30, ChronoUnit.DAYS), now.minus(1, ChronoUnit.DAYS));
    Endorsement old = new SessionKeyEndorsement.Signer(expired, n.siteKeys().getPrivate()).endorse(subject(key(1)));
    assertThatThrownBy(() -> new SessionKeyEndorsement.Verifier(n.ca()).verify("cleveland", subject(key(1)), old))
        .isInstanceOf(RefusedException.class).hasMessageContaining("not valid now");
  }

  @Test
  void theAggregatorsOwnCertificateCannotEndorseAParticipant() throws Exception {
    Network n = Network.create();
    Instant now = Instant.now();
    KeyPair keys = ecKeys();
    X509Certificate aggregator = certificate("aggregator", "aggregator", keys.getPublic(), "fedfhir-network-ca",
        n.caKeys().getPrivate(), now.minus(1, ChronoUnit.DAYS), now.plus(30, ChronoUnit.DAYS));
    Endorsement e = new SessionKeyEndorsement.Signer(aggregator, keys.getPrivate()).endorse(subject(key(1)));

    assertThatThrownBy(() -> new SessionKeyEndorsement.Verifier(n.ca()).verify("aggregator", subject(key(1)), e))
        .isInstanceOf(SessionKeyEndorsement.NotASiteException.class)
        .hasMessage("participant 'aggregator' holds a certificate in role 'aggregator', not a site's");
  }

  @Test
  void aPinThatIsNotASha256IsRefusedNamingIt() throws Exception {
    Network n = Network.create();
    assertThatThrownBy(() -> new SessionKeyEndorsement.Verifier(n.ca()).pinning(java.util.Map.of("site-0", "ab12")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pin 'site-0=ab12': need a site name and the 64 hex digits of its certificate key's SHA-256 "
            + "(SubjectPublicKeyInfo)");
  }

  @Test
  void aParticipantThePinsDoNotNameIsRefused() throws Exception {
    Network n = Network.create();
    Endorsement e = new SessionKeyEndorsement.Signer(n.site(), n.siteKeys().getPrivate()).endorse(subject(key(1)));
    SessionKeyEndorsement.Verifier pinned = new SessionKeyEndorsement.Verifier(n.ca())
        .pinning(java.util.Map.of("another-site", "00".repeat(32)));
    assertThatThrownBy(() -> pinned.verify("cleveland", subject(key(1)), e))
        .isInstanceOf(SessionKeyEndorsement.UnpinnedKeyException.class)
        .hasMessage("participant 'cleveland' is not among the sites this site pinned");
  }
}
