package org.fedfhir.tee.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.fedfhir.tee.enclave.EnclaveModelService;

/**
 * The TEE model service's HTTP server: a plain HAPI {@link RestfulServer} (R4, JSON) on embedded
 * Jetty 12 at {@code /fhir}. Starts in well under a second. No request logging: bodies carry sealed
 * data only, but even their sizes and ids stay out of logs.
 */
public final class TeeServer implements AutoCloseable {

  private final Server jetty;
  private final RestfulServer fhir;

  private TeeServer(Server jetty, RestfulServer fhir) {
    this.jetty = jetty;
    this.fhir = fhir;
  }

  /**
   * Starts the service on {@code host:port} ({@code port} 0 = a free port).
   *
   * @param interceptors HAPI interceptors to register (tests count calls with one)
   */
  public static TeeServer start(EnclaveModelService enclave, String host, int port, Object... interceptors)
      throws Exception {
    RestfulServer fhir = new RestfulServer(FhirContext.forR4Cached());
    fhir.setDefaultResponseEncoding(EncodingEnum.JSON);
    fhir.registerProvider(new TeeOperationProvider(enclave));
    List<Object> list = new ArrayList<>(List.of(interceptors));
    for (Object interceptor : list) {
      fhir.registerInterceptor(interceptor);
    }
    Server jetty = new Server(new InetSocketAddress(host, port));
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder("fhir", fhir), "/fhir/*");
    jetty.setHandler(context);
    jetty.start();
    return new TeeServer(jetty, fhir);
  }

  public int port() {
    return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  /** The FHIR base URL, e.g. {@code http://127.0.0.1:8093/fhir}. */
  public String baseUrl() {
    ServerConnector connector = (ServerConnector) jetty.getConnectors()[0];
    String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/fhir";
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
    jetty.stop();
  }
}
