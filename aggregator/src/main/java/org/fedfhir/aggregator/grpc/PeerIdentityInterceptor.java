package org.fedfhir.aggregator.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.fedfhir.aggregator.pki.Certificates;
import org.fedfhir.aggregator.pki.PartyName;
import org.fedfhir.aggregator.pki.PkiException;

/**
 * Takes the peer's identity from its TLS client certificate (the transport has already checked it
 * against the network CA) into {@link PeerIdentity#NAME}. A call without a TLS session or a client
 * certificate, or whose certificate names no valid party, is closed with {@code UNAUTHENTICATED}.
 */
public final class PeerIdentityInterceptor implements ServerInterceptor {

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    String name;
    try {
      if (ssl == null) {
        throw new SSLPeerUnverifiedException("no TLS session");
      }
      Certificate[] chain = ssl.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
        throw new SSLPeerUnverifiedException("no X.509 client certificate");
      }
      name = PartyName.require(Certificates.commonName(cert));
    } catch (SSLPeerUnverifiedException | PkiException | IllegalArgumentException e) {
      call.close(Status.UNAUTHENTICATED.withDescription(
          "mutual TLS with a certificate of the network CA is required: " + e.getMessage()),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(PeerIdentity.NAME, name), call, headers,
        next);
  }
}
