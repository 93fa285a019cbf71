package org.fedfhir.aggregator.pki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.fedfhir.access.NetworkTrustManager;

/**
 * Where a party's TLS material lives: its certificate, its PKCS#8 private key, the network CA's
 * certificate and optionally the CA's revocation list (the {@code --cert/--key/--ca/--crl} options).
 * Loading checks that the certificate chains to the CA and matches the key, and that the CA signed
 * the list.
 *
 * @param certificate the party's certificate (PEM)
 * @param privateKey the party's private key (PKCS#8 PEM)
 * @param ca the network CA's certificate (PEM)
 * @param crl the CA's revocation list (PEM), or null for none
 */
public record TlsFiles(Path certificate, Path privateKey, Path ca, Path crl) {

  /** With the revocation list {@code crl.pem} beside {@code ca}, if there is one. */
  public TlsFiles(Path certificate, Path privateKey, Path ca) {
    this(certificate, privateKey, ca, ca == null ? null : NetworkTrustManager.crlBeside(ca).orElse(null));
  }

  /** The party's files in a local network's directory ({@link PkiDirectory}: {@code DIR/<party>/}). */
  public static TlsFiles inPkiDirectory(Path dir, String partyName) {
    Path own = PkiDirectory.partyDirectory(dir, partyName);
    return new TlsFiles(PartyDirectory.certificateFile(own, partyName), PartyDirectory.keyFile(own, partyName),
        PartyDirectory.caCertificateFile(own));
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
    return crl == null ? tls : tls.withRevocations(RevocationList.read(crl, caCert));
  }
}
