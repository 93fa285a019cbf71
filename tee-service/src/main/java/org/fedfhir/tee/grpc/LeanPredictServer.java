package org.fedfhir.tee.grpc;

import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.fedfhir.access.NetworkTrustManager;
import org.fedfhir.access.PemMaterial;
import org.fedfhir.access.TlsSettings;
import org.fedfhir.tee.client.MutualTlsClients;
import org.fedfhir.tee.enclave.EnclaveModelService;
import org.fedfhir.tee.enclave.EnclaveSessions;
import org.fedfhir.tee.fhir.QueryBudgets;

/**
 * The lean prediction path's gRPC server: Netty over TLS with the TEE's certificate, client
 * certificates of the network CA <b>required</b> (and refused when on its revocation list), exactly
 * as the FHIR connector; then {@link CallerInterceptor} admits sites only. A message longer than
 * 16 MiB is refused {@code RESOURCE_EXHAUSTED} (a batch of {@link EnclaveSessions#MAX_PATIENTS} is
 * far smaller). No call logging.
 */
public final class LeanPredictServer implements AutoCloseable {

  private static final int MAX_MESSAGE_BYTES = 16 << 20;

  private final Server server;

  private LeanPredictServer(Server server) {
    this.server = server;
  }

  /** Starts on {@code host:port} (0 = a free port), sharing the enclave's models and the budgets. */
  public static LeanPredictServer start(EnclaveModelService enclave, String host, int port, TlsSettings tls,
      QueryBudgets budgets) throws IOException {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials(tls))
        .addService(ServerInterceptors.intercept(new SealedPredictService(enclave.sessions(), budgets),
            new CallerInterceptor()))
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .directExecutor() // calls are short and never block: no hand-off to another thread per call
        .build()
        .start();
    return new LeanPredictServer(server);
  }

  static ServerCredentials credentials(TlsSettings tls) {
    NetworkTrustManager trust = NetworkTrustManager.forClients(PemMaterial.certificates(tls.clientCa()).get(0),
        Optional.ofNullable(tls.crl()).map(NetworkTrustManager::readCrl));
    return TlsServerCredentials.newBuilder().keyManager(MutualTlsClients.keyManagers(tls.certificate(),
        tls.privateKey())).trustManager(trust).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build();
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
  }
}
