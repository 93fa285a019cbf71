package org.fedfhir.access;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The one trust decision every FedFHIR TLS endpoint makes about a peer of the network, client or
 * server side: the JDK's PKIX checks against the network CA (chain, validity, extended key usage,
 * and the host name when the TLS stack asks for it), the CA's revocation list when there is one (a
 * revoked certificate is refused, and so is every certificate once the list is past its next
 * update), and, where the endpoint expects particular roles, that the peer's certificate names one of
 * them ({@link NetworkIdentity}).
 *
 * <p>Used by the aggregator's gRPC server (clients must be sites), the sites' channels to the
 * aggregator (the server must be the aggregator), and the mutual-TLS HTTPS connectors of the TEE
 * and the aggregator's FHIR endpoint (any party of the network; the application authorises by role).
 *
 * <p>By convention the revocation list is {@code crl.pem} beside the CA certificate's file
 * ({@link #crlBeside}), or a file given with {@code --crl}.
 */
public final class NetworkTrustManager extends X509ExtendedTrustManager {

  private final X509ExtendedTrustManager pkix;
  private final Set<Role> peerRoles;

  private NetworkTrustManager(X509ExtendedTrustManager pkix, Set<Role> peerRoles) {
    this.pkix = pkix;
    this.peerRoles = peerRoles;
  }

  /**
   * Trusts a peer whose certificate chains to {@code ca}, is not on {@code crl} (if given, which
   * must be signed by {@code ca}) and names one of {@code peerRoles} (any or none if the set is empty:
   * the application then authorises by the role, answering a certificate without one itself).
   */
  public static NetworkTrustManager of(X509Certificate ca, Optional<X509CRL> crl, Set<Role> peerRoles) {
    try {
      PKIXBuilderParameters params = new PKIXBuilderParameters(Set.of(new TrustAnchor(ca, null)),
          new X509CertSelector());
      if (crl.isPresent()) {
        crl.get().verify(ca.getPublicKey());
        params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(crl.get()))));
        params.setRevocationEnabled(true);
      } else {
        params.setRevocationEnabled(false);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(new CertPathTrustManagerParameters(params));
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x509) {
          return new NetworkTrustManager(x509, Set.copyOf(peerRoles));
        }
      }
      throw new IllegalStateException("the JDK offers no PKIX X.509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the revocation list is not signed by the network CA, or the CA "
          + "certificate is unusable: " + e.getMessage(), e);
    }
  }

  /** A client's trust in a server of the role {@code serverRole} (a site's in the aggregator). */
  public static NetworkTrustManager forServer(X509Certificate ca, Optional<X509CRL> crl, Role serverRole) {
    return of(ca, crl, Set.of(serverRole));
  }

  /** As {@link #forServer(X509Certificate, Optional, Role)} without a revocation list. */
  public static NetworkTrustManager forServer(X509Certificate ca, Role serverRole) {
    return of(ca, Optional.empty(), Set.of(serverRole));
  }

  /**
   * As {@link #forServer(X509Certificate, Optional, Role)} with the CA certificate read from a PEM file
   * and the revocation list {@code crl.pem} beside it, if there is one.
   */
  public static NetworkTrustManager forServer(Path caPem, Role serverRole) throws IOException {
    try {
      return forServer(PemMaterial.certificates(caPem).get(0), crlBeside(caPem).map(NetworkTrustManager::readCrl),
          serverRole);
    } catch (IllegalArgumentException e) {
      throw new IOException("not a CA certificate with a valid revocation list: " + caPem, e);
    }
  }

  /**
   * A server's trust in clients whatever role their certificate names: the application authorises by
   * role and answers a certificate without one (an HTTPS server with an OperationOutcome).
   */
  public static NetworkTrustManager forClients(X509Certificate ca, Optional<X509CRL> crl) {
    return of(ca, crl, Set.of());
  }

  /** {@code crl.pem} beside the CA certificate's file, if it exists. */
  public static Optional<Path> crlBeside(Path caPem) {
    Path crl = caPem.toAbsolutePath().resolveSibling("crl.pem");
    return Files.isRegularFile(crl) ? Optional.of(crl) : Optional.empty();
  }

  /** Reads a PEM (or DER) X.509 CRL; its signature is checked when a trust manager is built with it. */
  public static X509CRL readCrl(Path file) {
    try (var in = Files.newInputStream(file)) {
      return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(file + " is not a revocation list: " + e.getMessage(), e);
    }
  }

  /** A check of the JDK's PKIX trust manager. */
  private interface PkixCheck {
    void run() throws CertificateException;
  }

  /** The role first (so a refusal names it), then the JDK's PKIX check of chain, validity, usage and list. */
  private void checked(X509Certificate[] chain, String peer, PkixCheck pkixCheck) throws CertificateException {
    requireRole(chain, peer);
    pkixCheck.run();
  }

  private void requireRole(X509Certificate[] chain, String peer) throws CertificateException {
    if (peerRoles.isEmpty()) {
      return;
    }
    Optional<Role> presented = chain.length == 0 ? Optional.empty()
        : NetworkIdentity.of(chain[0]).flatMap(c -> c.roles().stream().findFirst());
    if (presented.isEmpty() || !peerRoles.contains(presented.get())) {
      throw new CertificateException("the " + peer + "'s certificate has role "
          + presented.map(Role::code).orElse("none") + ", not "
          + peerRoles.stream().map(Role::code).sorted().collect(Collectors.joining(" or ")));
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checked(chain, "server", () -> pkix.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checked(chain, "server", () -> pkix.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    checked(chain, "server", () -> pkix.checkServerTrusted(chain, authType));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checked(chain, "client", () -> pkix.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checked(chain, "client", () -> pkix.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    checked(chain, "client", () -> pkix.checkClientTrusted(chain, authType));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }
}
