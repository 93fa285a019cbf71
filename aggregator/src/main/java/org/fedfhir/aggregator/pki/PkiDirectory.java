package org.fedfhir.aggregator.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The layout {@code ./fedfhir pki init} writes: {@code ca-cert.pem} and {@code ca-key.pem} for the
 * network CA, and {@code <name>-cert.pem} / {@code <name>-key.pem} for the aggregator, the TEE model
 * service ({@code tee}) and each site, each certificate carrying its role.
 * Keys are PKCS#8 PEM with mode 600; the directory is created with mode 700. Nothing is overwritten.
 */
public final class PkiDirectory {

  private PkiDirectory() {}

  public static Path caCertificateFile(Path dir) {
    return dir.resolve("ca-cert.pem");
  }

  public static Path caKeyFile(Path dir) {
    return dir.resolve("ca-key.pem");
  }

  public static Path certificateFile(Path dir, String party) {
    return dir.resolve(PartyName.require(party) + "-cert.pem");
  }

  public static Path keyFile(Path dir, String party) {
    return dir.resolve(PartyName.require(party) + "-key.pem");
  }

  /**
   * Creates the network CA and credentials for the aggregator and each site.
   *
   * @return the names of the parties written, aggregator and TEE first
   * @throws PkiException if the directory already holds a CA, or a file cannot be written
   */
  public static List<String> init(Path dir, String networkName, List<String> sites) {
    Set<String> names = new LinkedHashSet<>();
    names.add(PartyName.AGGREGATOR);
    names.add(PartyName.TEE);
    for (String site : sites) {
      PartyName.require(site);
      if (!names.add(site)) {
        throw new IllegalArgumentException("site '" + site + "' is named twice or is a reserved name ('"
            + PartyName.AGGREGATOR + "', '" + PartyName.TEE + "')");
      }
    }
    if (Files.exists(caKeyFile(dir)) || Files.exists(caCertificateFile(dir))) {
      throw new PkiException(dir + " already holds a network CA; choose another --dir");
    }
    createPrivateDirectory(dir);
    CertificateAuthority ca = CertificateAuthority.create(networkName);
    PemFiles.writeCertificate(caCertificateFile(dir), ca.certificate());
    PemFiles.writePrivateKey(caKeyFile(dir), ca.credentials().privateKey());
    for (String name : names) {
      writeParty(dir, ca.issue(name));
    }
    return new ArrayList<>(names);
  }

  /** The network CA's revocation list, beside its certificate. */
  public static Path crlFile(Path dir) {
    return caCertificateFile(dir).resolveSibling("crl.pem");
  }

  /** Adds the party's certificate in the directory to the CA's revocation list ({@link #crlFile}). */
  public static X509CRL revoke(Path dir, String party) {
    CertificateAuthority ca = CertificateAuthority.load(new Credentials(
        PemFiles.readCertificate(caCertificateFile(dir)), PemFiles.readPrivateKey(caKeyFile(dir))));
    X509CRL previous = Files.exists(crlFile(dir)) ? RevocationList.read(crlFile(dir), ca.certificate()) : null;
    X509CRL crl = RevocationList.revoke(ca, previous, PemFiles.readCertificate(certificateFile(dir, party)));
    RevocationList.write(crlFile(dir), crl);
    return crl;
  }

  /** Issues credentials for one more party with the CA stored in the directory, in its name's default role. */
  public static Credentials issue(Path dir, String party, List<String> extraDnsNames) {
    return issue(dir, party, PartyName.defaultRole(party), extraDnsNames);
  }

  /** Issues credentials for one more party in {@code role} with the CA stored in the directory. */
  public static Credentials issue(Path dir, String party, org.fedfhir.access.Role role, List<String> extraDnsNames) {
    Credentials caCredentials = new Credentials(PemFiles.readCertificate(caCertificateFile(dir)),
        PemFiles.readPrivateKey(caKeyFile(dir)));
    Credentials c = CertificateAuthority.load(caCredentials).issue(party, role, extraDnsNames);
    writeParty(dir, c);
    return c;
  }

  private static void writeParty(Path dir, Credentials c) {
    PemFiles.writeCertificate(certificateFile(dir, c.name()), c.certificate());
    PemFiles.writePrivateKey(keyFile(dir, c.name()), c.privateKey());
  }

  private static void createPrivateDirectory(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        return;
      }
      Path parent = dir.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      if (Files.getFileStore(parent).supportsFileAttributeView("posix")) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectory(dir);
      }
    } catch (IOException e) {
      throw new PkiException("could not create " + dir + ": " + e, e);
    }
  }
}
