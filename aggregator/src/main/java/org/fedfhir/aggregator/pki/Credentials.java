package org.fedfhir.aggregator.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A party's private key and certificate. {@link #toString()} never shows the key.
 *
 * @param certificate the party's certificate (issued by the network CA, or the CA's own)
 * @param privateKey the matching private key
 */
public record Credentials(X509Certificate certificate, PrivateKey privateKey) {

  /** The certificate's subject common name: the party's identity in the network. */
  public String name() {
    return Certificates.commonName(certificate);
  }

  @Override
  public String toString() {
    return "Credentials[" + certificate.getSubjectX500Principal().getName() + ", key hidden]";
  }
}
