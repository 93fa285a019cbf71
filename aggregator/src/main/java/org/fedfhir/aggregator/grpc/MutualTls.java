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
import java.util.concurrent.TimeUnit;
import java.util.Set;
import org.fedfhir.access.Role;
import org.fedfhir.access.NetworkTrustManager;
import org.fedfhir.aggregator.pki.TlsMaterial;
import org.fedfhir.federation.Keepalive;
import org.fedfhir.federation.StudyLimits;

/**
 * Servers and channels that speak only mutual TLS with the network PKI: the server requires a
 * client certificate issued by the network CA; the client presents its own and accepts only a
 * server certificate of the same CA, for the host it dialled, whose role is {@code aggregator}
 * ({@link NetworkTrustManager}): another party of the network cannot pose as the aggregator. Both
 * sides refuse a certificate on the network CA's revocation list when the party was given one.
 */
public final class MutualTls {

  private MutualTls() {}

  /**
   * Requires a client certificate of the network CA whose role is {@code site}; with
   * {@link TlsMaterial#revocations()} also refuses one on the CA's revocation list.
   */
  public static ServerCredentials serverCredentials(TlsMaterial tls) {
    try {
      return TlsServerCredentials.newBuilder()
          .keyManager(tls.certificateChainPem(), tls.privateKeyPem())
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
          .trustManager(NetworkTrustManager.of(tls.caCertificate(), tls.revocations(), Set.of(Role.SITE)))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("could not load TLS material of " + tls.name(), e);
    }
  }

  /**
   * Presents the party's certificate and accepts only the aggregator's (and, with
   * {@link TlsMaterial#revocations()}, not a revoked one).
   */
  public static ChannelCredentials channelCredentials(TlsMaterial tls) {
    try {
      return TlsChannelCredentials.newBuilder()
          .keyManager(tls.certificateChainPem(), tls.privateKeyPem())
          .trustManager(NetworkTrustManager.forServer(tls.caCertificate(), tls.revocations(), Role.AGGREGATOR))
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
    return startServer(tls, address, service, Keepalive.DEFAULT);
  }

  /**
   * As {@link #startServer(TlsMaterial, InetSocketAddress, BindableService)}, noticing a site that has gone
   * silent by {@code keepalive}: its connection is closed and its sessions end.
   */
  public static Server startServer(TlsMaterial tls, InetSocketAddress address, BindableService service,
      Keepalive keepalive) throws IOException {
    return NettyServerBuilder.forAddress(address, serverCredentials(tls))
        .addService(ServerInterceptors.intercept(service, new PeerIdentityInterceptor()))
        .maxInboundMessageSize(StudyLimits.MAX_MESSAGE_BYTES)
        .keepAliveTime(keepalive.idle().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(keepalive.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveTime(keepalive.permitted().toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(true)
        .build()
        .start();
  }

  /** A channel from a site (or any party) to the aggregator at host:port. */
  public static ManagedChannel channel(TlsMaterial tls, String host, int port) {
    return channel(tls, host, port, Keepalive.DEFAULT);
  }

  /** As {@link #channel(TlsMaterial, String, int)}, its calls failing once the aggregator is silent by {@code keepalive}. */
  public static ManagedChannel channel(TlsMaterial tls, String host, int port, Keepalive keepalive) {
    return Grpc.newChannelBuilderForAddress(host, port, channelCredentials(tls))
        .maxInboundMessageSize(StudyLimits.MAX_MESSAGE_BYTES)
        .keepAliveTime(keepalive.idle().toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(keepalive.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .build();
  }
}
