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
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The network certificate authority: a self-signed EC P-256 CA that signs each party's certification
 * request ({@link #sign}) into a certificate for mutual TLS (SHA256withECDSA; the party's name as CN,
 * its role as SAN URI and OU, read by {@link NetworkIdentity}; SAN DNS {@code localhost}, IP
 * {@code 127.0.0.1} and the party's DNS names; EKU by role).
 *
 * <p>The CA never sees a party's private key: the party makes its key and request itself
 * ({@code ./fedfhir pki request}); the operator signs ({@code ./fedfhir pki sign}) with the CA key it
 * keeps encrypted and offline ({@link CaDirectory}).
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
   * Issues a certificate for a party whose key is made here, in memory: a key pair, a request
   * ({@link CertificateRequests#create}) and {@link #sign}. For tests and in-process networks; a party
   * of a real network makes its own key and request ({@code ./fedfhir pki request}).
   *
   * @param partyName the CN, checked by {@link PartyName#require}
   * @param role a network party's role, or {@link Role#RESEARCHER} for a researcher's client certificate
   * @param extraDnsNames further DNS names for the SAN (a production host name)
   */
  public Credentials issue(String partyName, Role role, Collection<String> extraDnsNames) {
    PartyName.require(partyName);
    if (!role.isNetworkParty() && role != Role.RESEARCHER) {
      throw new IllegalArgumentException("role " + role.code() + " is not carried by certificates; "
          + "need site, aggregator, tee or researcher");
    }
    KeyPair keys = newKeyPair(random);
    X509Certificate cert = sign(CertificateRequests.create(partyName, role, extraDnsNames, keys));
    return new Credentials(cert, keys.getPrivate());
  }

  /**
   * Issues the certificate a party asked for: the request's signature, name, role and DNS names are
   * checked ({@link CertificateRequests#read}); the certificate names the party as CN, its role as SAN
   * URI {@code urn:fedfhir:role:<role>} and as OU, and carries SAN DNS {@code localhost}, IP
   * {@code 127.0.0.1} and the requested DNS names. Extended key usage follows the role: the aggregator
   * and the TEE serve and call (serverAuth, clientAuth); a site and a researcher only call
   * (clientAuth), so their certificates cannot serve TLS at all.
   *
   * @throws PkiException naming what is wrong with the request
   */
  public X509Certificate sign(PKCS10CertificationRequest request) {
    CertificateRequests.Requested r = CertificateRequests.read(request);
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate(), serial(random),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(PARTY_VALIDITY)),
          name(r.name(), r.role()), r.publicKey());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(servesTls(r.role())
          ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
          : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(r.role(), r.dnsNames()));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(r.publicKey()));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate()));
      return sign(b, new KeyPair(certificate().getPublicKey(), credentials.privateKey()));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new PkiException("could not issue a certificate for '" + r.name() + "'", e);
    }
  }

  /** Whether certificates of the role serve TLS (the aggregator's gRPC and FHIR endpoints, the TEE's HTTPS). */
  private static boolean servesTls(Role role) {
    return role == Role.AGGREGATOR || role == Role.TEE;
  }

  private static GeneralNames subjectAltNames(Role role, Collection<String> extraDnsNames) {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, NetworkIdentity.roleUri(role)));
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    try {
      names.add(new GeneralName(GeneralName.iPAddress,
          InetAddress.getByAddress(new byte[] {127, 0, 0, 1}).getHostAddress()));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a literal address needs no lookup", e);
    }
    for (String dns : extraDnsNames) {
      if (!dns.equals("localhost")) {
        names.add(new GeneralName(GeneralName.dNSName, CertificateRequests.requireDnsName(dns)));
      }
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

  static KeyPair newKeyPair(SecureRandom random) {
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
