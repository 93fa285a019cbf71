package org.fedfhir.aggregator.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The network operator's CA directory, the only place the CA key lives: {@code ca-cert.pem} (public,
 * delivered to every party), {@code ca-key.pem} (the CA's key as encrypted PKCS#8 under the operator's
 * {@link CaPassphrase}, mode 600), {@code crl.pem} (the revocation list, public) and
 * {@code issued/<name>-<serial>-cert.pem} (every certificate signed, so a party can be revoked by name).
 * No party's private key is ever written here: parties send requests, not keys.
 * The directory is created with mode 700; nothing is overwritten.
 */
public final class CaDirectory {

  private CaDirectory() {}

  public static Path certificateFile(Path dir) {
    return dir.resolve("ca-cert.pem");
  }

  public static Path keyFile(Path dir) {
    return dir.resolve("ca-key.pem");
  }

  public static Path crlFile(Path dir) {
    return dir.resolve("crl.pem");
  }

  public static Path issuedDirectory(Path dir) {
    return dir.resolve("issued");
  }

  /**
   * Creates the network CA: a fresh key, encrypted under {@code passphrase}, and its self-signed certificate.
   *
   * @throws PkiException if the directory already holds a CA, or a file cannot be written
   */
  public static CertificateAuthority create(Path dir, String networkName, CaPassphrase passphrase) {
    if (Files.exists(keyFile(dir)) || Files.exists(certificateFile(dir))) {
      throw new PkiException(dir + " already holds a network CA; choose another directory");
    }
    PrivateDirectories.create(dir);
    PrivateDirectories.create(issuedDirectory(dir));
    CertificateAuthority ca = CertificateAuthority.create(networkName);
    PemFiles.writeEncryptedPrivateKey(keyFile(dir), ca.credentials().privateKey(), passphrase);
    PemFiles.writeCertificate(certificateFile(dir), ca.certificate());
    return ca;
  }

  /**
   * The CA with its key decrypted in memory.
   *
   * @throws PkiException if the directory holds no CA or the passphrase does not open its key
   */
  public static CertificateAuthority open(Path dir, CaPassphrase passphrase) {
    if (!Files.isReadable(keyFile(dir)) || !Files.isReadable(certificateFile(dir))) {
      throw new PkiException(dir + " holds no network CA (ca-cert.pem and ca-key.pem); create one with "
          + "./fedfhir pki init");
    }
    return CertificateAuthority.load(new Credentials(PemFiles.readCertificate(certificateFile(dir)),
        PemFiles.readEncryptedPrivateKey(keyFile(dir), passphrase)));
  }

  /** Signs a party's request with the CA ({@link CertificateAuthority#sign}) and records the certificate. */
  public static X509Certificate sign(Path dir, CertificateAuthority ca, PKCS10CertificationRequest request) {
    X509Certificate cert = ca.sign(request);
    String name = Certificates.commonName(cert);
    PemFiles.writeCertificate(issuedDirectory(dir).resolve(name + "-" + cert.getSerialNumber().toString(16)
        + "-cert.pem"), cert);
    return cert;
  }

  /** The certificates the CA issued to {@code party}, oldest file name first. */
  public static List<X509Certificate> issuedTo(Path dir, String party) {
    String prefix = PartyName.require(party) + "-";
    try (Stream<Path> files = Files.list(issuedDirectory(dir))) {
      List<X509Certificate> out = new ArrayList<>();
      for (Path f : files.sorted().toList()) {
        String file = f.getFileName().toString();
        if (file.startsWith(prefix) && file.endsWith("-cert.pem")
            && file.substring(prefix.length()).matches("[0-9a-f]+-cert\\.pem")) {
          X509Certificate c = PemFiles.readCertificate(f);
          if (Certificates.commonName(c).equals(party)) {
            out.add(c);
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new PkiException("could not list " + issuedDirectory(dir) + ": " + e, e);
    }
  }

  /**
   * Adds every certificate the CA issued to {@code party} to its revocation list ({@link #crlFile}).
   *
   * @throws PkiException if the CA issued the party none
   */
  public static X509CRL revoke(Path dir, CaPassphrase passphrase, String party) {
    List<X509Certificate> issued = issuedTo(dir, party);
    if (issued.isEmpty()) {
      throw new PkiException("the CA in " + dir + " issued no certificate to '" + party + "'");
    }
    CertificateAuthority ca = open(dir, passphrase);
    X509CRL crl = Files.exists(crlFile(dir)) ? RevocationList.read(crlFile(dir), ca.certificate()) : null;
    for (X509Certificate c : issued) {
      if (crl == null || !crl.isRevoked(c)) {
        crl = RevocationList.revoke(ca, crl, c);
      }
    }
    RevocationList.write(crlFile(dir), crl);
    return crl;
  }
}
