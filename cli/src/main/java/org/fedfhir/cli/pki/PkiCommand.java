package org.fedfhir.cli.pki;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.fedfhir.access.Role;
import org.fedfhir.aggregator.pki.CaDirectory;
import org.fedfhir.aggregator.pki.CaPassphrase;
import org.fedfhir.aggregator.pki.CertificateAuthority;
import org.fedfhir.aggregator.pki.CertificateRequests;
import org.fedfhir.aggregator.pki.PartyDirectory;
import org.fedfhir.aggregator.pki.PartyName;
import org.fedfhir.aggregator.pki.PemFiles;
import org.fedfhir.aggregator.pki.PkiDirectory;
import org.fedfhir.aggregator.pki.PkiException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir pki …}: enrolment in the network's PKI. A party makes its key and a request in its
 * own directory ({@code request}); the network operator signs it with the CA it keeps offline
 * ({@code sign}) and can revoke it ({@code revoke}). {@code init --sites} lays out a whole network on
 * one machine, enrolling each party in its own directory.
 */
@Command(
    name = "pki",
    mixinStandardHelpOptions = true,
    description = "Enrolment in the network PKI for mutual TLS: 'init --ca' makes the network CA (its key "
        + "encrypted), 'request' a party's key and certificate request, 'sign' the operator's certificate, "
        + "'revoke' the revocation list; 'init --sites' a whole local network.",
    subcommands = {PkiCommand.Init.class, PkiCommand.Request.class, PkiCommand.Sign.class,
        PkiCommand.Issue.class, PkiCommand.Revoke.class})
public final class PkiCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Where the CA passphrase comes from: a file, else {@value CaPassphrase#ENVIRONMENT_VARIABLE}. */
  static final class PassphraseOption {

    @Option(names = "--passphrase-file", paramLabel = "FILE",
        description = "File whose first line is the CA key's passphrase (else the environment variable "
            + CaPassphrase.ENVIRONMENT_VARIABLE + "; never given on the command line).")
    Path file;

    CaPassphrase passphrase() {
      return CaPassphrase.from(file, System.getenv());
    }
  }

  /**
   * A {@code pki} subcommand: {@link #run()} does the work; a {@link PkiException} or bad argument is
   * printed as one line and exit code 1.
   */
  abstract static class Subcommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    abstract int run();

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public final Integer call() {
      try {
        return run();
      } catch (PkiException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("fedfhir pki " + spec.name() + ": " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 1;
      }
    }
  }

  /** The party a certificate is for: its name, role and DNS names. */
  static final class PartyOptions {

    @Option(names = "--name", required = true, description = "The party's name (its certificate CN).")
    String name;

    @Option(names = "--role", paramLabel = "ROLE", description = "site, aggregator, tee or researcher "
        + "(a researcher's client certificate); for 'issue' the default is aggregator for 'aggregator', tee for "
        + "'tee', else site.")
    String role;

    @Option(names = "--dns", split = ",", paramLabel = "HOST",
        description = "The party's DNS names (besides localhost and 127.0.0.1, which every certificate has).")
    List<String> dns = new ArrayList<>();

    Role role() {
      return Role.fromCode(role).filter(r -> r.isNetworkParty() || r == Role.RESEARCHER)
          .orElseThrow(() -> new IllegalArgumentException("--role " + role + ": need site, aggregator, tee or researcher"));
    }
  }

  /** {@code pki init --ca CA_DIR} or {@code pki init --sites a,b,c [--dir DIR]}. */
  @Command(name = "init", mixinStandardHelpOptions = true,
      description = {"--ca CA_DIR: create the network CA only (ca-cert.pem, ca-key.pem encrypted under the "
          + "passphrase). Keep CA_DIR offline.",
          "--sites a,b,c [--dir DIR]: a whole network on this machine for local use: the CA in DIR/ca and the "
          + "aggregator, the TEE and each site enrolled in DIR/NAME (its own key, request and certificate)."})
  static final class Init extends Subcommand {

    @Option(names = "--ca", paramLabel = "CA_DIR", description = "Create only the network CA in this directory.")
    Path ca;

    @Option(names = "--sites", split = ",", paramLabel = "NAME",
        description = "Site names (lower-case letters, digits, '-'), comma-separated: a local network.")
    List<String> sites = new ArrayList<>();

    @Option(names = "--dir", defaultValue = "pki", paramLabel = "DIR",
        description = "The local network's directory with --sites (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--network", defaultValue = "FedFHIR local network", paramLabel = "NAME",
        description = "Name in the CA's certificate (default: ${DEFAULT-VALUE}).")
    String network;

    @CommandLine.Mixin
    PassphraseOption passphrase = new PassphraseOption();

    @Override
    int run() {
      if ((ca == null) == sites.isEmpty()) {
        throw new IllegalArgumentException("give --ca CA_DIR (the network CA only) or --sites a,b,c "
            + "[--dir DIR] (a whole local network), not both");
      }
      if (ca != null) {
        CaDirectory.create(ca, network, passphrase.passphrase());
        out().println("network CA: " + CaDirectory.certificateFile(ca) + " (deliver it to every party); "
            + "its key " + CaDirectory.keyFile(ca) + " is encrypted: keep it and the passphrase offline");
        return 0;
      }
      List<String> parties = PkiDirectory.init(dir, network, sites, passphrase.passphrase());
      out().println("network CA: " + PkiDirectory.caDirectory(dir) + " (its key encrypted; no party's key)");
      for (String p : parties) {
        out().println(p + ": " + PkiDirectory.partyDirectory(dir, p) + " (its own key, request, certificate)");
      }
      return 0;
    }
  }

  /** {@code pki request --dir DIR --name NAME --role ROLE [--dns HOST…]}. */
  @Command(name = "request", mixinStandardHelpOptions = true,
      description = "Make this party's key pair (mode 600, stays in --dir) and a certificate request "
          + "(NAME-csr.pem) to send to the network operator.")
  static final class Request extends Subcommand {

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "This party's own directory.")
    Path dir;

    @CommandLine.Mixin
    PartyOptions party = new PartyOptions();

    @Override
    int run() {
      if (party.role == null) {
        throw new IllegalArgumentException("--role is required: site, aggregator, tee or researcher");
      }
      PartyDirectory.request(dir, party.name, party.role(), party.dns);
      out().println("key (stays here): " + PartyDirectory.keyFile(dir, party.name));
      out().println("request (send it to the network operator): "
          + PartyDirectory.requestFile(dir, party.name));
      return 0;
    }
  }

  /** {@code pki sign --ca CA_DIR --csr FILE [--out CERT]}. */
  @Command(name = "sign", mixinStandardHelpOptions = true,
      description = "Check a party's certificate request (signature, name, role, DNS names) and issue its "
          + "certificate with the CA in --ca; deliver the certificate and CA_DIR/ca-cert.pem to the party.")
  static final class Sign extends Subcommand {

    @Option(names = "--ca", required = true, paramLabel = "CA_DIR", description = "The network CA's directory.")
    Path ca;

    @Option(names = "--csr", required = true, paramLabel = "FILE", description = "The party's request (PEM).")
    Path csr;

    @Option(names = "--out", paramLabel = "CERT",
        description = "Where to write the certificate (default: NAME-cert.pem beside the request).")
    Path out;

    @CommandLine.Mixin
    PassphraseOption passphrase = new PassphraseOption();

    @Override
    int run() {
      PKCS10CertificationRequest request = PemFiles.readCertificationRequest(csr);
      CertificateRequests.Requested asked = CertificateRequests.read(request);
      Path target = out != null ? out : csr.toAbsolutePath().resolveSibling(asked.name() + "-cert.pem");
      if (Files.exists(target)) {
        throw new IllegalArgumentException(target + " exists already; not signing (choose --out)");
      }
      CertificateAuthority authority = CaDirectory.open(ca, passphrase.passphrase());
      X509Certificate cert = CaDirectory.sign(ca, authority, request);
      PemFiles.writeCertificate(target, cert);
      Path caCopy = target.toAbsolutePath().resolveSibling("ca-cert.pem");
      if (!Files.exists(caCopy)) {
        PemFiles.writeCertificate(caCopy, authority.certificate());
      }
      out().println("signed " + asked.name() + " (role " + asked.role().code()
          + (asked.dnsNames().isEmpty() ? "" : ", DNS " + String.join(",", asked.dnsNames())) + ", serial "
          + cert.getSerialNumber().toString(16) + "): " + target + "; deliver it with " + caCopy);
      return 0;
    }
  }

  /** {@code pki issue --name x [--role r] [--dns host] [--dir DIR]}: enrol one more party of a local network. */
  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = "In a local network made by 'init --sites': enrol one more party in DIR/NAME "
          + "(request there, signed with DIR/ca).")
  static final class Issue extends Subcommand {

    @CommandLine.Mixin
    PartyOptions party = new PartyOptions();

    @Option(names = "--dir", defaultValue = "pki", paramLabel = "DIR",
        description = "The local network's directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    @CommandLine.Mixin
    PassphraseOption passphrase = new PassphraseOption();

    @Override
    int run() {
      Role r = party.role == null ? PartyName.defaultRole(party.name) : party.role();
      PkiDirectory.enrol(dir, party.name, r, party.dns, passphrase.passphrase());
      out().println(party.name + " (" + r.code() + "): "
          + PkiDirectory.partyDirectory(dir, party.name));
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Add every certificate the CA issued to a party to the CA's revocation list (crl.pem); "
          + "servers and channels given the list (crl.pem beside their CA certificate, or --crl) refuse it.")
  static final class Revoke extends Subcommand {

    @Option(names = "--name", required = true, description = "The party whose certificates are revoked.")
    String name;

    @Option(names = "--ca", paramLabel = "CA_DIR", description = "The network CA's directory.")
    Path ca;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "Instead of --ca: a local network made by 'init --sites'; the list is copied to every party.")
    Path dir;

    @CommandLine.Mixin
    PassphraseOption passphrase = new PassphraseOption();

    @Override
    int run() {
      if ((ca == null) == (dir == null)) {
        throw new IllegalArgumentException("give --ca CA_DIR or --dir DIR (a local network), one of them");
      }
      int entries = (ca != null ? CaDirectory.revoke(ca, passphrase.passphrase(), name)
          : PkiDirectory.revoke(dir, name, passphrase.passphrase())).getRevokedCertificates().size();
      Path crl = ca != null ? CaDirectory.crlFile(ca) : PkiDirectory.crlFile(dir);
      out().println(name + " revoked: " + crl + " (" + entries + " revoked); deliver it to every party");
      return 0;
    }
  }
}
