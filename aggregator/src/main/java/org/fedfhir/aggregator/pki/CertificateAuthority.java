package org.fedfhir.aggregator.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.fedfhir.access.NetworkIdentity;
import org.fedfhir.access.Role;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The network certificate authority: a self-signed EC P-256 CA that issues each party a certificate
 * for mutual TLS (SHA256withECDSA; SAN DNS {@code localhost} and IP {@code 127.0.0.1} plus any extra
 * DNS names; the party's name as CN and its role as OU, read by {@link NetworkIdentity}; EKU serverAuth
 * and clientAuth, a researcher's certificate clientAuth only).
 *
 * <p>Meant for local networks and tests ({@code ./fedfhir pki init}); a production network uses the
 * certificates its operators issue, loaded from files.
 */
public final class CertificateAuthority {

  /** CA certificates are valid this long from creation. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  /** Party certificates are valid this long from issue. */
  public static final Duration PARTY_VALIDITY = Duration.ofDays(825);

  private static final String ORGANISATION = "FedFHIR network";

  private final Credentials credentials;
  private final Clock clock;
  private final SecureRandom random;

  private CertificateAuthority(Credentials credentials, Clock clock, SecureRandom random) {
    this.credentials = credentials;
    this.clock = clock;
    this.random = random;
  }

  /** Creates a new CA with a fresh key. */
  public static CertificateAuthority create(String networkName) {
    return create(networkName, Clock.systemUTC(), new SecureRandom());
  }

  static CertificateAuthority create(String networkName, Clock clock, SecureRandom random) {
    if (networkName == null || networkName.isBlank()) {
      throw new IllegalArgumentException("network name is required for the CA's common name");
    }
    KeyPair keys = newKeyPair(random);
    X500Name subject = name(networkName + " CA");
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(random),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(CA_VALIDITY)), subject,
          keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = sign(b, keys);
      return new CertificateAuthority(new Credentials(cert, keys.getPrivate()), clock, random);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new PkiException("could not create the network CA", e);
    }
  }

  /** A CA from its stored certificate and key (e.g. to issue one more site). */
  public static CertificateAuthority load(Credentials caCredentials) {
    return new CertificateAuthority(caCredentials, Clock.systemUTC(), new SecureRandom());
  }

  /** The CA's certificate and key. */
  public Credentials credentials() {
    return credentials;
  }

  public X509Certificate certificate() {
    return credentials.certificate();
  }

  /**
   * Issues a certificate for a party with the SANs localhost and 127.0.0.1, in the role its name
   * implies: {@link PartyName#AGGREGATOR} the aggregator, {@link PartyName#TEE} the TEE model
   * service, any other name a site.
   */
  public Credentials issue(String partyName) {
    return issue(partyName, PartyName.defaultRole(partyName), List.of());
  }

  /** As {@link #issue(String)}, with extra DNS names. */
  public Credentials issue(String partyName, Collection<String> extraDnsNames) {
    return issue(partyName, PartyName.defaultRole(partyName), extraDnsNames);
  }

  /**
   * Issues a certificate for a party.
   *
   * @param partyName the CN, checked by {@link PartyName#require}
   * @param role the OU: a network party's role, or {@link Role#RESEARCHER} for a researcher's client
   *     certificate
   * @param extraDnsNames further DNS names for the SAN (a production host name)
   */
  public Credentials issue(String partyName, Role role, Collection<String> extraDnsNames) {
    PartyName.require(partyName);
    if (!role.isNetworkParty() && role != Role.RESEARCHER) {
      throw new IllegalArgumentException("role " + role.code() + " is not carried by certificates; "
          + "need site, aggregator, tee or researcher");
    }
    KeyPair keys = newKeyPair(random);
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate(), serial(random),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(PARTY_VALIDITY)),
          name(partyName, role), keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(role == Role.RESEARCHER
          ? new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}
          : new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(extraDnsNames));
      b.addExtension(Extension.subjectKeyIdentifier, false,
          ext.createSubjectKeyIdentifier(keys.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          ext.createAuthorityKeyIdentifier(certificate()));
      X509Certificate cert = sign(b, new KeyPair(certificate().getPublicKey(),
          credentials.privateKey()));
      return new Credentials(cert, keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new PkiException("could not issue a certificate for '" + partyName + "'", e);
    }
  }

  private static GeneralNames subjectAltNames(Collection<String> extraDnsNames) {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    try {
      names.add(new GeneralName(GeneralName.iPAddress,
          InetAddress.getByAddress(new byte[] {127, 0, 0, 1}).getHostAddress()));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a literal address needs no lookup", e);
    }
    for (String dns : extraDnsNames) {
      if (dns == null || !dns.matches("[A-Za-z0-9.-]{1,253}")) {
        throw new IllegalArgumentException("DNS name '" + dns + "'; need letters, digits, '.', '-'");
      }
      names.add(new GeneralName(GeneralName.dNSName, dns));
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, ORGANISATION)
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  private static X500Name name(String commonName, Role role) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, ORGANISATION)
        .addRDN(BCStyle.OU, role.code())
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  private static KeyPair newKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new PkiException("EC P-256 key generation is not available", e);
    }
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
      throws GeneralSecurityException {
    try {
      var contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(b.build(contentSigner));
    } catch (OperatorCreationException e) {
      throw new PkiException("SHA256withECDSA signer is not available", e);
    }
  }

  @Override
  public String toString() {
    return "CertificateAuthority[" + certificate().getSubjectX500Principal().getName() + "]";
  }
}
