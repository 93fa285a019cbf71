package org.fedfhir.tee.client;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.http.client.HttpClient;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClients;
import org.fedfhir.access.ClientTls;
import org.fedfhir.access.NetworkTrustManager;
import org.fedfhir.access.PemMaterial;
import org.fedfhir.access.Role;

/**
 * The HAPI clients of the TEE model service present their party's certificate: a site's (for
 * {@code $predict}) or the aggregator's (for {@code $provision-model}), trusting only the network CA.
 */
public final class MutualTlsClients {

  private MutualTlsClients() {}

  /**
   * Makes every client of {@code ctx} call over mutual TLS with this certificate. {@code ctx} must be
   * the caller's own (not {@code forR4Cached()}): its client factory is replaced here. Timeouts and
   * pool sizes set on the factory afterwards still apply.
   */
  public static FhirContext presenting(FhirContext ctx, Path certificate, Path privateKey, Path ca) {
    ctx.setRestfulClientFactory(new Factory(ctx, ClientTls.mutual(certificate, privateKey, ca)));
    return ctx;
  }

  /**
   * A gRPC channel to the TEE's lean prediction path at {@code host:port}: presents the party's
   * certificate and accepts only a server certificate of the network CA, for that host, whose role is
   * {@code tee}. One channel is one persistent HTTP/2 connection; share it.
   */
  public static ManagedChannel leanChannel(String host, int port, Path certificate, Path privateKey, Path ca) {
    try {
      ChannelCredentials tls = TlsChannelCredentials.newBuilder().keyManager(keyManagers(certificate, privateKey))
          .trustManager(NetworkTrustManager.forServer(ca, Role.TEE)).build();
      return Grpc.newChannelBuilderForAddress(host, port, tls).build();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot set up mutual TLS with " + certificate + ": " + e.getMessage(), e);
    }
  }

  /** Key managers presenting {@code certificate} with {@code privateKey} (PEM), for a gRPC client or server. */
  public static KeyManager[] keyManagers(Path certificate, Path privateKey) {
    try {
      char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(PemMaterial.keyStore(certificate, privateKey, password), password);
      return keys.getKeyManagers();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use " + certificate + " with its key: " + e.getMessage(), e);
    }
  }

  /** HAPI's Apache client factory whose HTTP client is built on the party's TLS context. */
  private static final class Factory extends ApacheRestfulClientFactory {
    private final SSLContext ssl;
    private HttpClient client;

    Factory(FhirContext ctx, SSLContext ssl) {
      super(ctx);
      this.ssl = ssl;
    }

    @Override
    public synchronized HttpClient getNativeHttpClient() {
      if (client == null) {
        client = HttpClients.custom().setSSLContext(ssl)
            .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(getConnectTimeout())
                .setSocketTimeout(getSocketTimeout()).setConnectionRequestTimeout(getConnectionRequestTimeout())
                .build())
            .setMaxConnPerRoute(Math.max(20, getPoolMaxPerRoute())).setMaxConnTotal(Math.max(20, getPoolMaxTotal()))
            .disableCookieManagement().build();
      }
      return client;
    }

    @Override
    protected synchronized void resetHttpClient() {
      client = null;
      super.resetHttpClient();
    }
  }
}
