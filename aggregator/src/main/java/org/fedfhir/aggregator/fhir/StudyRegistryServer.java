package org.fedfhir.aggregator.fhir;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.fedfhir.access.CallerAuthentication;
import org.fedfhir.access.HttpsConnectors;
import org.fedfhir.aggregator.statistics.SecureStatsService;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.ig.FedFhirIg;

/**
 * The aggregator's FHIR endpoint at {@code /fhir}: a plain HAPI server on embedded Jetty 12, on its
 * own address and port (never the gRPC server's), HTTPS with the aggregator's certificate, every
 * caller authenticated ({@link CallerAuthentication}: a researcher's token or a client certificate of
 * the network CA) and authorised by {@link RegistryAccessPolicy}.
 */
public final class StudyRegistryServer implements AutoCloseable {

  private final Server jetty;
  private final ServerConnector connector;

  private StudyRegistryServer(Server jetty, ServerConnector connector) {
    this.jetty = jetty;
    this.connector = connector;
  }

  /** Starts on {@code host:port} (0 = a free port), without {@code $secure-stats}. */
  public static StudyRegistryServer start(java.util.concurrent.Future<FedFhirIg> ig, StudyStore store,
      RegistryAccess access, String host, int port) throws Exception {
    return start(ig, store, null, access, host, port);
  }

  /**
   * Starts on {@code host:port} (0 = a free port), with {@code POST PlanDefinition/{id}/$secure-stats}
   * for the statistics studies registered in {@code statistics} (none if null).
   */
  public static StudyRegistryServer start(java.util.concurrent.Future<FedFhirIg> ig, StudyStore store,
      SecureStatsService statistics, RegistryAccess access, String host, int port) throws Exception {
    return start(ig, store, statistics, null, access, host, port);
  }

  /**
   * As {@link #start(java.util.concurrent.Future, StudyStore, SecureStatsService, RegistryAccess, String, int)},
   * with {@code POST PlanDefinition/{id}/$clean-room-result} relaying from the TEE of {@code cleanRoom}
   * (none if null).
   */
  public static StudyRegistryServer start(java.util.concurrent.Future<FedFhirIg> ig, StudyStore store,
      SecureStatsService statistics, org.fedfhir.aggregator.cleanroom.CleanRoomResults cleanRoom, RegistryAccess access,
      String host, int port) throws Exception {
    RestfulServer fhir = new RestfulServer(ca.uhn.fhir.context.FhirContext.forR4Cached());
    fhir.setDefaultResponseEncoding(EncodingEnum.JSON);
    fhir.registerInterceptor(new CallerAuthentication(access.issuers(), true));
    StudyRegistryProvider registry = new StudyRegistryProvider(ig, store,
        statistics == null ? null : statistics.studies());
    fhir.registerInterceptor(new RegistryAccessPolicy(store, registry::published));
    fhir.registerProvider(registry);
    if (statistics != null) {
      fhir.registerProvider(new SecureStatsProvider(statistics.lookingUpIn(registry::published)));
    }
    if (cleanRoom != null) {
      fhir.registerProvider(new CleanRoomResultProvider(cleanRoom, registry::published));
    }
    Server jetty = new Server();
    ServerConnector connector = HttpsConnectors.add(jetty, host, port, access.tls(), access.insecureHttp());
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder("fhir", fhir), "/fhir/*");
    jetty.setHandler(HttpsConnectors.limitingRequestBodies(context));
    jetty.start();
    return new StudyRegistryServer(jetty, connector);
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** The FHIR base URL, e.g. {@code https://127.0.0.1:8090/fhir}. */
  public String baseUrl() {
    return HttpsConnectors.baseUrl(connector) + "/fhir";
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
  }
}
