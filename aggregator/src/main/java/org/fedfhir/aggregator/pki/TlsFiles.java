package org.fedfhir.aggregator.pki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * Where a party's TLS material lives: its certificate, its PKCS#8 private key and the network CA's
 * certificate (the {@code --cert/--key/--ca} options). Loading checks that the certificate chains to
 * the CA and matches the key; a revocation list {@code crl.pem} beside the CA's certificate is loaded
 * with it.
 *
 * @param certificate the party's certificate (PEM)
 * @param privateKey the party's private key (PKCS#8 PEM)
 * @param ca the network CA's certificate (PEM)
 */
public record TlsFiles(Path certificate, Path privateKey, Path ca) {

  /** The files {@code ./fedfhir pki init} wrote for a party into a directory. */
  public static TlsFiles inPkiDirectory(Path dir, String partyName) {
    return new TlsFiles(PkiDirectory.certificateFile(dir, partyName),
        PkiDirectory.keyFile(dir, partyName), PkiDirectory.caCertificateFile(dir));
  }

  /** Reads and checks the material. */
  public TlsMaterial load() {
    for (Path p : new Path[] {certificate, privateKey, ca}) {
      if (!Files.isReadable(p)) {
        throw new PkiException(p + " is missing or unreadable");
      }
    }
    X509Certificate caCert = PemFiles.readCertificate(ca);
    Credentials own = new Credentials(PemFiles.readCertificate(certificate),
        PemFiles.readPrivateKey(privateKey));
    TlsMaterial tls = TlsMaterial.of(own, caCert);
    Path crl = ca.resolveSibling("crl.pem");
    return Files.exists(crl) ? tls.withRevocations(RevocationList.read(crl, caCert)) : tls;
  }
}
