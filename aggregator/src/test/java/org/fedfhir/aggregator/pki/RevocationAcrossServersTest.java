package org.fedfhir.aggregator.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.fedfhir.access.ClientTls;
import org.fedfhir.access.HttpsConnectors;
import org.fedfhir.access.TlsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation beyond the aggregator's gRPC server: the mutual-TLS HTTPS connector the TEE model service
 * and the aggregator's FHIR endpoint listen on refuses a revoked party once the operator's list is
 * delivered beside the server's CA certificate.
 */
class RevocationAcrossServersTest {

  private static final CaPassphrase PASSPHRASE = CaPassphrase.of("revocation across servers");

  @TempDir
  Path dir;

  private Server jetty;

  @AfterEach
  void stop() throws Exception {
    if (jetty != null) {
      jetty.stop();
    }
  }

  /** The TEE's HTTPS connector with its own files (certificate, key, CA and the list beside it). */
  private String startTeeConnector() throws Exception {
    TlsFiles tee = TlsFiles.inPkiDirectory(dir, "tee");
    jetty = new Server();
    ServerConnector connector = HttpsConnectors.add(jetty, "127.0.0.1", 0,
        new TlsSettings(tee.certificate(), tee.privateKey(), tee.ca(), TlsSettings.ClientAuth.NEED), false);
    jetty.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.setStatus(204);
        callback.succeeded();
        return true;
      }
    });
    jetty.start();
    return HttpsConnectors.baseUrl(connector);
  }

  private int get(String party, String base) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(ClientTls.mutual(PkiDirectory.certificateFile(dir, party),
        PkiDirectory.keyFile(dir, party), TlsFiles.inPkiDirectory(dir, party).ca())).build();
    return client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void aRevokedSiteIsRefusedByTheTeesHttpsConnectorAndTheOthersAreNot() throws Exception {
    PkiDirectory.init(dir, "test network", List.of("mercy", "cleveland"), PASSPHRASE);
    PkiDirectory.revoke(dir, "mercy", PASSPHRASE);
    String base = startTeeConnector();

    assertThat(get("cleveland", base)).isEqualTo(204);
    assertThat(get("aggregator", base)).isEqualTo(204);
    assertThatThrownBy(() -> get("mercy", base)).as("mercy's certificate is on the list")
        .isInstanceOf(IOException.class);
  }

  @Test
  void withoutTheListTheSameSiteIsAccepted() throws Exception {
    // the control: it is the delivered list, not anything else about mercy, that shuts it out
    PkiDirectory.init(dir, "test network", List.of("mercy"), PASSPHRASE);
    String base = startTeeConnector();

    assertThat(get("mercy", base)).isEqualTo(204);
  }
}
