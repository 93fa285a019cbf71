package org.fedfhir.aggregator.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.fedfhir.access.Role;

/**
 * A whole network's PKI on one machine, for trying FedFHIR locally, the demo and tests
 * ({@code ./fedfhir pki init --sites …}): the operator's {@link CaDirectory} in {@code DIR/ca/} and
 * each party's own {@link PartyDirectory} in {@code DIR/<name>/}. Every party is enrolled as on a real
 * network: it makes its key and request in its own directory, the CA signs the request, the
 * certificate and the CA's certificate are delivered back. No file under {@code DIR/ca/} holds a
 * party's key, and the CA key there is encrypted.
 */
public final class PkiDirectory {

  private PkiDirectory() {}

  /** The operator's CA directory. */
  public static Path caDirectory(Path dir) {
    return dir.resolve("ca");
  }

  /** The party's own directory. */
  public static Path partyDirectory(Path dir, String party) {
    return dir.resolve(PartyName.require(party));
  }

  public static Path caCertificateFile(Path dir) {
    return CaDirectory.certificateFile(caDirectory(dir));
  }

  public static Path caKeyFile(Path dir) {
    return CaDirectory.keyFile(caDirectory(dir));
  }

  public static Path certificateFile(Path dir, String party) {
    return PartyDirectory.certificateFile(partyDirectory(dir, party), party);
  }

  public static Path keyFile(Path dir, String party) {
    return PartyDirectory.keyFile(partyDirectory(dir, party), party);
  }

  /** The network CA's revocation list in the CA directory ({@link #revoke} copies it to every party). */
  public static Path crlFile(Path dir) {
    return CaDirectory.crlFile(caDirectory(dir));
  }

  /**
   * A network whose CA key is encrypted under a random passphrase that is then forgotten: no party can
   * be added or revoked later. For tests and benchmarks.
   *
   * @return the names of the parties enrolled, aggregator and TEE first
   */
  public static List<String> init(Path dir, String networkName, List<String> sites) {
    return init(dir, networkName, sites, CaPassphrase.random());
  }

  /**
   * Creates the network CA in {@link #caDirectory} and enrols the aggregator, the TEE and each site,
   * each in its own {@link #partyDirectory}.
   *
   * @return the names of the parties enrolled, aggregator and TEE first
   * @throws PkiException if the directory already holds a CA, or a file cannot be written
   */
  public static List<String> init(Path dir, String networkName, List<String> sites, CaPassphrase passphrase) {
    return init(dir, networkName, sites, passphrase, Map.of());
  }

  /**
   * As {@link #init(Path, String, List, CaPassphrase)}, a party's certificate also naming the DNS names
   * {@code hostNames} gives for it (parties on their own hosts, e.g. {@code aggregator.example.org}).
   */
  public static List<String> init(Path dir, String networkName, List<String> sites, CaPassphrase passphrase,
      Map<String, List<String>> hostNames) {
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
    if (Files.exists(caDirectory(dir))) {
      throw new PkiException(dir + " already holds a network CA; choose another --dir");
    }
    PrivateDirectories.create(dir);
    CertificateAuthority ca = CaDirectory.create(caDirectory(dir), networkName, passphrase);
    for (String name : names) {
      enrol(dir, ca, name, PartyName.defaultRole(name), hostNames.getOrDefault(name, List.of()));
    }
    return new ArrayList<>(names);
  }

  /** Enrols one more party in {@code role} with the CA in the directory. */
  public static void enrol(Path dir, String party, Role role, List<String> dnsNames, CaPassphrase passphrase) {
    enrol(dir, CaDirectory.open(caDirectory(dir), passphrase), party, role, dnsNames);
  }

  private static void enrol(Path dir, CertificateAuthority ca, String party, Role role, List<String> dnsNames) {
    Path own = partyDirectory(dir, party);
    var request = PartyDirectory.request(own, party, role, dnsNames);
    PartyDirectory.deliver(own, party, CaDirectory.sign(caDirectory(dir), ca, request), ca.certificate());
    if (Files.exists(crlFile(dir))) {
      copyCrl(dir, own);
    }
  }

  /**
   * Revokes every certificate of the party ({@link CaDirectory#revoke}) and delivers the new list to
   * every party's directory, beside its CA certificate, where its servers and channels read it.
   */
  public static X509CRL revoke(Path dir, String party, CaPassphrase passphrase) {
    X509CRL crl = CaDirectory.revoke(caDirectory(dir), passphrase, party);
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path p : entries.toList()) {
        if (Files.isRegularFile(PartyDirectory.caCertificateFile(p))) {
          copyCrl(dir, p);
        }
      }
    } catch (IOException e) {
      throw new PkiException("could not list " + dir + ": " + e, e);
    }
    return crl;
  }

  private static void copyCrl(Path dir, Path partyDirectory) {
    try {
      Files.copy(crlFile(dir), partyDirectory.resolve("crl.pem"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new PkiException("could not deliver the revocation list to " + partyDirectory + ": " + e, e);
    }
  }
}
