package org.fedfhir.aggregator.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** Reading a party's identity from its certificate, and checking the certificate's chain. */
public final class Certificates {

  private Certificates() {}

  /** The subject CN of a certificate; a certificate without exactly one CN is refused. */
  public static String commonName(X509Certificate certificate) {
    String dn = certificate.getSubjectX500Principal().getName();
    try {
      List<String> cns = new LdapName(dn).getRdns().stream()
          .filter(r -> r.getType().equalsIgnoreCase("CN"))
          .map(Rdn::getValue)
          .map(Object::toString)
          .toList();
      if (cns.size() != 1) {
        throw new PkiException("certificate subject '" + dn + "' has " + cns.size()
            + " common names; need exactly 1");
      }
      return cns.get(0);
    } catch (InvalidNameException e) {
      throw new PkiException("certificate subject '" + dn + "' is not a valid name", e);
    }
  }

  /**
   * Checks that the certificate chains to the given CA and is valid now (PKIX; revocation is checked
   * where certificates are used, in the TLS handshake: {@link org.fedfhir.access.NetworkTrustManager}).
   *
   * @throws PkiException naming why the certificate is not accepted
   */
  public static void validate(X509Certificate certificate, X509Certificate ca) {
    try {
      var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(certificate));
      var params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
      params.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(path, params);
    } catch (GeneralSecurityException e) {
      throw new PkiException("certificate of '" + certificate.getSubjectX500Principal().getName()
          + "' is not valid under CA '" + ca.getSubjectX500Principal().getName() + "': "
          + e.getMessage(), e);
    }
  }
}
