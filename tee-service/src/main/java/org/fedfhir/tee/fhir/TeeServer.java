package org.fedfhir.tee.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.fedfhir.access.CallerAuthentication;
import org.fedfhir.access.HttpsConnectors;
import org.fedfhir.access.TlsSettings;
import org.fedfhir.tee.enclave.EnclaveModelService;
import org.fedfhir.tee.grpc.LeanPredictServer;

/**
 * The TEE model service's HTTP server: a plain HAPI {@link RestfulServer} (R4, JSON) on embedded
 * Jetty 12 at {@code /fhir}, over HTTPS with <b>mutual TLS</b> only: every caller presents a
 * certificate of the network CA, whose OU is its role, and {@link TeeAccessPolicy} decides what it may
 * call. Starts in well under a second. No request logging: bodies carry sealed data only, but even
 * their sizes and ids stay out of logs.
 *
 * <p>Beside it runs the lean prediction path ({@link LeanPredictServer}: gRPC over the same mutual
 * TLS, sessions of the same enclave, the same budgets), on its own port, which the CapabilityStatement
 * names in the extension {@link #LEAN_PREDICT_PORT} so a site finds it from the FHIR base URL alone.
 */
public final class TeeServer implements AutoCloseable {

  /** Extension of the CapabilityStatement's {@code rest}: the lean path's port (valueUnsignedInt), same host. */
  public static final String LEAN_PREDICT_PORT = "http://fedfhir.org/fhir/StructureDefinition/tee-lean-predict-port";

  private final Server jetty;
  private final ServerConnector connector;
  private final RestfulServer fhir;
  private final LeanPredictServer lean;

  private TeeServer(Server jetty, ServerConnector connector, RestfulServer fhir, LeanPredictServer lean) {
    this.jetty = jetty;
    this.connector = connector;
    this.fhir = fhir;
    this.lean = lean;
  }

  /** As {@link #start(EnclaveModelService, String, int, int, TlsSettings, QueryBudgets, Object...)} with the lean path on a free port. */
  public static TeeServer start(EnclaveModelService enclave, String host, int port, TlsSettings tls,
      QueryBudgets budgets, Object... interceptors) throws Exception {
    return start(enclave, host, port, 0, tls, budgets, interceptors);
  }

  /**
   * Starts the service on {@code host:port} ({@code port} 0 = a free port).
   *
   * @param tls the service's certificate and the network CA; client certificates are required
   * @param leanPort the lean path's port (0 = a free port)
   * @param interceptors HAPI interceptors to register (tests count calls with one)
   */
  public static TeeServer start(EnclaveModelService enclave, String host, int port, int leanPort, TlsSettings tls,
      QueryBudgets budgets, Object... interceptors) throws Exception {
    if (tls == null || tls.clientAuth() != TlsSettings.ClientAuth.NEED) {
      throw new IllegalArgumentException("the TEE model service needs mutual TLS: its certificate and the network "
          + "CA, client certificates required");
    }
    RestfulServer fhir = new RestfulServer(FhirContext.forR4Cached());
    fhir.setDefaultResponseEncoding(EncodingEnum.JSON);
    TeeAccessPolicy access = new TeeAccessPolicy(budgets);
    fhir.registerInterceptor(new CallerAuthentication(List.of(), true));
    fhir.registerInterceptor(access);
    fhir.registerProvider(new TeeOperationProvider(enclave, access));
    fhir.registerProvider(new CleanRoomOperationProvider(enclave.cleanRoom()));
    LeanPredictServer lean = LeanPredictServer.start(enclave, host, leanPort, tls, budgets);
    fhir.registerInterceptor(new LeanEndpointAdvert(lean.port()));
    for (Object interceptor : interceptors) {
      fhir.registerInterceptor(interceptor);
    }
    Server jetty = new Server();
    ServerConnector connector = HttpsConnectors.add(jetty, host, port, tls, false);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder("fhir", fhir), "/fhir/*");
    jetty.setHandler(HttpsConnectors.limitingRequestBodies(context));
    try {
      jetty.start();
    } catch (Exception e) {
      lean.close();
      throw e;
    }
    return new TeeServer(jetty, connector, fhir, lean);
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** The FHIR base URL, e.g. {@code https://127.0.0.1:8093/fhir}. */
  public String baseUrl() {
    return HttpsConnectors.baseUrl(connector) + "/fhir";
  }

  /** The lean prediction path's port, on the same host. */
  public int leanPort() {
    return lean.port();
  }

  public FhirContext fhirContext() {
    return fhir.getFhirContext();
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  @Override
  public void close() throws Exception {
    try {
      jetty.stop();
    } finally {
      lean.close();
    }
  }
}
