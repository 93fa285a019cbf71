package org.fedfhir.tee.grpc;

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
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.fedfhir.access.Caller;
import org.fedfhir.access.NetworkIdentity;
import org.fedfhir.tee.fhir.TeeAccessPolicy;
import org.fedfhir.tee.fhir.TeeOperations;

/**
 * Who calls the lean path, decided as for the FHIR operations: the caller is the party named by its
 * TLS client certificate of the network CA ({@link NetworkIdentity}), and
 * {@link TeeAccessPolicy#allows} must let it call {@link TeeOperations#PREDICT} (sites only). A call
 * without a client certificate, or whose certificate names no party, is closed {@code
 * UNAUTHENTICATED}; a party of another role {@code PERMISSION_DENIED}. The caller is put in {@link #CALLER}.
 */
final class CallerInterceptor implements ServerInterceptor {

  static final Context.Key<Caller> CALLER = Context.key("fedfhir-tee-caller");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Optional<Caller> caller = caller(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    if (caller.isEmpty()) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("the TEE model service answers only parties of the "
          + "network: present a client certificate of the network CA that names the party and its role"));
    }
    if (!TeeAccessPolicy.allows(caller.get(), TeeOperations.PREDICT)) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription(TeeAccessPolicy.refusal(TeeOperations.PREDICT)));
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, caller.get()), call, headers, next);
  }

  private static Optional<Caller> caller(SSLSession ssl) {
    if (ssl == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = ssl.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate cert ? NetworkIdentity.of(cert) : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
