package org.fedfhir.access;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A client's trust in a server of the network: the JDK's PKIX checks against the network CA (chain,
 * validity, and the host name when the TLS stack asks for it), and on top of them that the server's
 * certificate names the expected role (its OU, read by {@link NetworkIdentity}). A site thus talks
 * only to the aggregator, never to another site or the TEE that poses as it.
 */
public final class ServerRoleTrustManager extends X509ExtendedTrustManager {

  private final X509ExtendedTrustManager pkix;
  private final Role serverRole;

  private ServerRoleTrustManager(X509ExtendedTrustManager pkix, Role serverRole) {
    this.pkix = pkix;
    this.serverRole = serverRole;
  }

  /** Trusts a server whose certificate chains to {@code ca} and whose role is {@code serverRole}. */
  public static ServerRoleTrustManager forServer(X509Certificate ca, Role serverRole) {
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      anchors.setCertificateEntry("network-ca", ca);
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(anchors);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x509) {
          return new ServerRoleTrustManager(x509, serverRole);
        }
      }
      throw new IllegalStateException("the JDK offers no PKIX X.509 trust manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not build the trust manager of the network CA", e);
    }
  }

  /** As {@link #forServer(X509Certificate, Role)} with the network CA's certificate read from a PEM file. */
  public static ServerRoleTrustManager forServer(Path caPem, Role serverRole) throws IOException {
    try {
      return forServer(PemMaterial.certificates(caPem).get(0), serverRole);
    } catch (IllegalArgumentException e) {
      throw new IOException("not a CA certificate: " + caPem, e);
    }
  }

  private void requireRole(X509Certificate[] chain) throws CertificateException {
    Role presented = NetworkIdentity.of(chain[0]).flatMap(c -> c.roles().stream().findFirst()).orElse(null);
    if (presented != serverRole) {
      throw new CertificateException("the server's certificate has role "
          + (presented == null ? "none" : presented.code()) + ", not " + serverRole.code());
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, socket);
    requireRole(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, engine);
    requireRole(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    pkix.checkServerTrusted(chain, authType);
    requireRole(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }
}
