package org.fedfhir.aggregator.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The network CA's X.509 CRL ({@code crl.pem} beside the CA's certificate): the certificates the
 * network no longer accepts. {@link #revoke} signs a new list with every earlier entry and one more.
 */
public final class RevocationList {

  /** How long a list stays current; the aggregator refuses every client once it is older. */
  public static final Duration VALIDITY = Duration.ofDays(365);

  private RevocationList() {}

  /** The list {@code previous} (or none) extended by {@code revoked}, signed by the CA. */
  public static X509CRL revoke(CertificateAuthority ca, X509CRL previous, X509Certificate revoked) {
    Instant now = Instant.now();
    X509v2CRLBuilder b = new JcaX509v2CRLBuilder(ca.certificate(), Date.from(now));
    b.setNextUpdate(Date.from(now.plus(VALIDITY)));
    if (previous != null && previous.getRevokedCertificates() != null) {
      for (X509CRLEntry e : previous.getRevokedCertificates()) {
        b.addCRLEntry(e.getSerialNumber(), e.getRevocationDate(), CRLReason.unspecified);
      }
    }
    b.addCRLEntry(revoked.getSerialNumber(), Date.from(now), CRLReason.unspecified);
    try {
      return new JcaX509CRLConverter().getCRL(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.credentials().privateKey())));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new PkiException("could not sign the revocation list", e);
    }
  }

  /** Reads a PEM CRL and checks that the CA signed it. */
  public static X509CRL read(Path file, X509Certificate ca) {
    try (var in = Files.newInputStream(file)) {
      X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
      crl.verify(ca.getPublicKey());
      return crl;
    } catch (IOException | GeneralSecurityException e) {
      throw new PkiException(file + " is not a revocation list signed by the network CA", e);
    }
  }

  /** Writes the list as PEM. */
  public static void write(Path file, X509CRL crl) {
    try {
      String pem = "-----BEGIN X509 CRL-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(crl.getEncoded())
          + "\n-----END X509 CRL-----\n";
      Files.writeString(file, pem, StandardCharsets.US_ASCII);
    } catch (IOException | GeneralSecurityException e) {
      throw new PkiException("could not write " + file, e);
    }
  }
}
