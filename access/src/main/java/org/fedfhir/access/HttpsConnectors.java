package org.fedfhir.access;

import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CRL;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import java.util.HexFormat;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The one listening connector of a FedFHIR server on embedded Jetty 12: HTTPS with the server's
 * certificate (and, for mutual TLS, callers' certificates checked against the network CA and its
 * revocation list by {@link NetworkTrustManager}, exposed to
 * the application as the servlet attribute {@code jakarta.servlet.request.X509Certificate}), or plain
 * HTTP where {@link BindPolicy} allows it.
 */
public final class HttpsConnectors {

  /** The servlet request attribute holding the caller's verified certificate chain. */
  public static final String CLIENT_CERTIFICATES = "jakarta.servlet.request.X509Certificate";

  /**
   * Largest request body a FedFHIR server on Jetty reads: 16 MiB, room for a study PlanDefinition or
   * a sealed model of the longest vector a study may have (1,000,000 values, base64).
   */
  public static final long MAX_REQUEST_BYTES = 16L << 20;

  private HttpsConnectors() {}

  /** {@code handler} behind a limit of {@link #MAX_REQUEST_BYTES} per request body: a longer one is answered 413. */
  public static Handler limitingRequestBodies(Handler handler) {
    SizeLimitHandler limit = new SizeLimitHandler(MAX_REQUEST_BYTES, -1);
    limit.setHandler(handler);
    return limit;
  }

  /**
   * Adds the connector to {@code server}.
   *
   * @param tls the TLS material, or null for plain HTTP
   * @param insecureHttp whether plain HTTP on a routable address was explicitly asked for
   * @throws IllegalArgumentException if {@link BindPolicy} refuses the combination
   */
  public static ServerConnector add(Server server, String host, int port, TlsSettings tls, boolean insecureHttp) {
    BindPolicy.check(host, tls != null, insecureHttp);
    ServerConnector connector;
    if (tls == null) {
      connector = new ServerConnector(server);
    } else {
      // the key store lives only in memory: a random password keeps it from being a fixed secret
      char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
      SslContextFactory.Server ssl = tls.clientAuth() == TlsSettings.ClientAuth.NONE
          ? new SslContextFactory.Server() : networkClients(tls);
      ssl.setKeyStore(PemMaterial.keyStore(tls.certificate(), tls.privateKey(), password));
      ssl.setKeyStorePassword(new String(password));
      ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      if (tls.clientAuth() != TlsSettings.ClientAuth.NONE) {
        ssl.setTrustStore(PemMaterial.trustStore(tls.clientCa()));
        ssl.setNeedClientAuth(tls.clientAuth() == TlsSettings.ClientAuth.NEED);
        ssl.setWantClientAuth(tls.clientAuth() == TlsSettings.ClientAuth.WANT);
      }
      HttpConfiguration https = new HttpConfiguration();
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      https.addCustomizer(secure);
      connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
          new HttpConnectionFactory(https));
    }
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    return connector;
  }

  /** Jetty's TLS with callers' certificates checked by {@link NetworkTrustManager} (CA, revocation list, role). */
  private static SslContextFactory.Server networkClients(TlsSettings tls) {
    X509Certificate ca = PemMaterial.certificates(tls.clientCa()).get(0);
    Optional<X509CRL> crl = Optional.ofNullable(tls.crl()).map(NetworkTrustManager::readCrl);
    NetworkTrustManager trust = NetworkTrustManager.forClients(ca, crl);
    return new SslContextFactory.Server() {
      @Override
      protected TrustManager[] getTrustManagers(KeyStore trustStore, Collection<? extends CRL> crls) {
        return new TrustManager[] {trust};
      }
    };
  }

  /** The base URL of a started connector, e.g. {@code https://127.0.0.1:8443}. */
  public static String baseUrl(ServerConnector connector) {
    String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
    if ("0.0.0.0".equals(host) || "::".equals(host)) {
      host = "127.0.0.1";
    }
    boolean tls = connector.getConnectionFactory(SslConnectionFactory.class) != null;
    return (tls ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
        + connector.getLocalPort();
  }
}
