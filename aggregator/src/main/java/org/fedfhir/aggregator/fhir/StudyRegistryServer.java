package org.fedfhir.aggregator.fhir;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.net.InetSocketAddress;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.fedfhir.aggregator.statistics.SecureStatsService;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.ig.FedFhirIg;

/** The aggregator's FHIR endpoint at {@code /fhir}: a plain HAPI server on embedded Jetty 12. */
public final class StudyRegistryServer implements AutoCloseable {

  private final Server jetty;

  private StudyRegistryServer(Server jetty) {
    this.jetty = jetty;
  }

  /** Starts on {@code host:port} (0 = a free port). */
  public static StudyRegistryServer start(java.util.concurrent.Future<FedFhirIg> ig, StudyStore store, String host,
      int port) throws Exception {
    return start(ig, store, null, host, port);
  }

  /**
   * Starts on {@code host:port} (0 = a free port), with {@code POST PlanDefinition/{id}/$secure-stats}
   * for the statistics studies registered in {@code statistics} (none if null).
   */
  public static StudyRegistryServer start(java.util.concurrent.Future<FedFhirIg> ig, StudyStore store,
      SecureStatsService statistics, String host, int port) throws Exception {
    RestfulServer fhir = new RestfulServer(ca.uhn.fhir.context.FhirContext.forR4Cached());
    fhir.setDefaultResponseEncoding(EncodingEnum.JSON);
    StudyRegistryProvider registry = new StudyRegistryProvider(ig, store,
        statistics == null ? null : statistics.coordinators());
    fhir.registerProvider(registry);
    if (statistics != null) {
      fhir.registerProvider(new SecureStatsProvider(statistics.lookingUpIn(registry::published)));
    }
    Server jetty = new Server(new InetSocketAddress(host, port));
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder("fhir", fhir), "/fhir/*");
    jetty.setHandler(context);
    jetty.start();
    return new StudyRegistryServer(jetty);
  }

  public int port() {
    return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/fhir";
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }
}
