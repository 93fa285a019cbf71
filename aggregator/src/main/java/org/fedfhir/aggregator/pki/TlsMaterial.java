package org.fedfhir.aggregator.pki;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;

/**
 * A party's checked TLS material in memory: its credentials and the network CA certificate, with
 * the PEM streams gRPC's {@code TlsServerCredentials}/{@code TlsChannelCredentials} take.
 * {@link #toString()} never shows the key.
 */
public final class TlsMaterial {

  private final Credentials own;
  private final X509Certificate ca;
  private final X509CRL revocations;

  private TlsMaterial(Credentials own, X509Certificate ca, X509CRL revocations) {
    this.own = own;
    this.ca = ca;
    this.revocations = revocations;
  }

  /** The same material with the CA's revocation list: a server refuses a client certificate on it. */
  public TlsMaterial withRevocations(X509CRL crl) {
    return new TlsMaterial(own, ca, crl);
  }

  /** The CA's revocation list, if the party was given one. */
  public java.util.Optional<X509CRL> revocations() {
    return java.util.Optional.ofNullable(revocations);
  }

  /**
   * @throws PkiException if the certificate does not chain to the CA or does not match the key
   */
  public static TlsMaterial of(Credentials own, X509Certificate ca) {
    Certificates.validate(own.certificate(), ca);
    requireMatchingKey(own);
    return new TlsMaterial(own, ca, null);
  }

  private static void requireMatchingKey(Credentials c) {
    try {
      byte[] probe = "fedfhir key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(c.privateKey());
      s.update(probe);
      byte[] sig = s.sign();
      s.initVerify(c.certificate().getPublicKey());
      s.update(probe);
      if (!s.verify(sig)) {
        throw new PkiException("the private key does not match the certificate of '" + c.name() + "'");
      }
    } catch (GeneralSecurityException e) {
      throw new PkiException("could not check the key of '" + c.name()
          + "' (need an EC P-256 key): " + e.getMessage(), e);
    }
  }

  /** The party's name (its certificate's CN). */
  public String name() {
    return own.name();
  }

  public X509Certificate certificate() {
    return own.certificate();
  }

  public X509Certificate caCertificate() {
    return ca;
  }

  public InputStream certificateChainPem() {
    return stream(PemFiles.certificatePem(own.certificate()));
  }

  public InputStream privateKeyPem() {
    return stream(PemFiles.privateKeyPem(own.privateKey()));
  }

  public InputStream caCertificatePem() {
    return stream(PemFiles.certificatePem(ca));
  }

  private static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public String toString() {
    return "TlsMaterial[" + name() + ", key hidden]";
  }
}
