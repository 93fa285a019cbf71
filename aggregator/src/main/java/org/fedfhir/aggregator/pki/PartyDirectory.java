package org.fedfhir.aggregator.pki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Collection;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.fedfhir.access.Role;

/**
 * A party's own directory, on its own machine: {@code <name>-key.pem} (its private key, PKCS#8, mode
 * 600, made here and never sent anywhere), {@code <name>-csr.pem} (the request it sends the network
 * operator), and what the operator delivers back: {@code <name>-cert.pem} and the network CA's
 * {@code ca-cert.pem} (and, once there is one, its {@code crl.pem}). The directory is created with
 * mode 700; nothing is overwritten.
 */
public final class PartyDirectory {

  private PartyDirectory() {}

  public static Path keyFile(Path dir, String party) {
    return dir.resolve(PartyName.require(party) + "-key.pem");
  }

  public static Path requestFile(Path dir, String party) {
    return dir.resolve(PartyName.require(party) + "-csr.pem");
  }

  public static Path certificateFile(Path dir, String party) {
    return dir.resolve(PartyName.require(party) + "-cert.pem");
  }

  public static Path caCertificateFile(Path dir) {
    return dir.resolve("ca-cert.pem");
  }

  /**
   * Makes the party's key pair and its certification request ({@link CertificateRequests#create}).
   *
   * @return the request, also written to {@link #requestFile}
   * @throws PkiException if the directory already holds a key for the party
   */
  public static PKCS10CertificationRequest request(Path dir, String party, Role role, Collection<String> dnsNames) {
    if (Files.exists(keyFile(dir, party))) {
      throw new PkiException(keyFile(dir, party) + " exists already: the party has a key; not making another");
    }
    KeyPair keys = CertificateAuthority.newKeyPair(new SecureRandom());
    PKCS10CertificationRequest request = CertificateRequests.create(party, role, dnsNames, keys);
    PrivateDirectories.create(dir);
    PemFiles.writePrivateKey(keyFile(dir, party), keys.getPrivate());
    PemFiles.writeCertificationRequest(requestFile(dir, party), request);
    return request;
  }

  /**
   * Stores the certificate the operator issued and the CA's certificate, after checking that the
   * certificate chains to the CA and matches the party's key ({@link TlsMaterial#of}).
   */
  public static void deliver(Path dir, String party, X509Certificate certificate, X509Certificate ca) {
    TlsMaterial.of(new Credentials(certificate, PemFiles.readPrivateKey(keyFile(dir, party))), ca);
    PemFiles.writeCertificate(certificateFile(dir, party), certificate);
    if (!Files.exists(caCertificateFile(dir))) {
      PemFiles.writeCertificate(caCertificateFile(dir), ca);
    }
  }
}
