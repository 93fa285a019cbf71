package org.fedfhir.aggregator.grpc;

import io.grpc.BindableService;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.fedfhir.access.Role;
import org.fedfhir.access.ServerRoleTrustManager;
import org.fedfhir.aggregator.pki.TlsMaterial;
import org.fedfhir.federation.StudyLimits;

/**
 * Servers and channels that speak only mutual TLS with the network PKI: the server requires a
 * client certificate issued by the network CA; the client presents its own and accepts only a
 * server certificate of the same CA, for the host it dialled, whose role is {@code aggregator}
 * ({@link ServerRoleTrustManager}): another party of the network cannot pose as the aggregator.
 */
public final class MutualTls {

  private MutualTls() {}

  /**
   * Requires a client certificate of the network CA; with {@link TlsMaterial#revocations()} also
   * refuses one on the CA's revocation list.
   */
  public static ServerCredentials serverCredentials(TlsMaterial tls) {
    try {
      TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder()
          .keyManager(tls.certificateChainPem(), tls.privateKeyPem())
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      if (tls.revocations().isPresent()) {
        b.trustManager(revocationChecking(tls.caCertificate(), tls.revocations().get()));
      } else {
        b.trustManager(tls.caCertificatePem());
      }
      return b.build();
    } catch (IOException e) {
      throw new UncheckedIOException("could not load TLS material of " + tls.name(), e);
    }
  }

  /** The JDK's PKIX trust manager with the network CA as anchor and its CRL as the revocation source. */
  private static TrustManager[] revocationChecking(X509Certificate ca, X509CRL crl) {
    try {
      PKIXBuilderParameters params = new PKIXBuilderParameters(Set.of(new TrustAnchor(ca, null)),
          new X509CertSelector());
      params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(crl))));
      params.setRevocationEnabled(true);
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(new CertPathTrustManagerParameters(params));
      return factory.getTrustManagers();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not build the revocation-checking trust manager", e);
    }
  }

  public static ChannelCredentials channelCredentials(TlsMaterial tls) {
    try {
      return TlsChannelCredentials.newBuilder()
          .keyManager(tls.certificateChainPem(), tls.privateKeyPem())
          .trustManager(ServerRoleTrustManager.forServer(tls.caCertificate(), Role.AGGREGATOR))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("could not load TLS material of " + tls.name(), e);
    }
  }

  /**
   * Starts a server on the address with the service behind {@link PeerIdentityInterceptor}; it
   * refuses a message longer than {@link StudyLimits#MAX_MESSAGE_BYTES} with {@code RESOURCE_EXHAUSTED}.
   */
  public static Server startServer(TlsMaterial tls, InetSocketAddress address, BindableService service)
      throws IOException {
    return NettyServerBuilder.forAddress(address, serverCredentials(tls))
        .addService(ServerInterceptors.intercept(service, new PeerIdentityInterceptor()))
        .maxInboundMessageSize(StudyLimits.MAX_MESSAGE_BYTES)
        .build()
        .start();
  }

  /** A channel from a site (or any party) to the aggregator at host:port. */
  public static ManagedChannel channel(TlsMaterial tls, String host, int port) {
    return Grpc.newChannelBuilderForAddress(host, port, channelCredentials(tls))
        .maxInboundMessageSize(StudyLimits.MAX_MESSAGE_BYTES).build();
  }
}
