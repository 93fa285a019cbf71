package org.fedfhir.aggregator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.fedfhir.access.ClientTls;
import org.fedfhir.access.Role;
import org.fedfhir.aggregator.config.AggregatorConfiguration.FederationServer;
import org.fedfhir.aggregator.config.AggregatorConfiguration.StudyEndpoint;
import org.fedfhir.aggregator.pki.PartyName;
import org.fedfhir.aggregator.pki.PkiDirectory;
import org.fedfhir.aggregator.pki.TlsFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole aggregator as {@code ./fedfhir aggregator} starts it: its FHIR endpoint listens on its own
 * address and port, never the gRPC server's, and serves HTTPS with the aggregator's certificate.
 */
@Tag("slow")
class AggregatorEndpointsTest {

  @TempDir
  Path dir;

  @Test
  void theFhirEndpointListensOnItsOwnAddressAndPortOverHttpsNotOnTheGrpcServers() throws Exception {
    Path pki = dir.resolve("pki");
    var passphrase = org.fedfhir.aggregator.pki.CaPassphrase.of("endpoints test passphrase");
    PkiDirectory.init(pki, "endpoints test", List.of("a"), passphrase);
    PkiDirectory.enrol(pki, "alice", Role.RESEARCHER, List.of(), passphrase);
    // gRPC on 127.0.0.1, FHIR on 127.0.0.2 (both loopback, distinct addresses)
    AggregatorSettings settings = new AggregatorSettings("127.0.0.1", 0, dir.resolve("db/aggregator").toString(),
        TlsFiles.inPkiDirectory(pki, PartyName.AGGREGATOR), Duration.ofSeconds(5),
        new AggregatorSettings.FhirEndpoint("127.0.0.2", 0, false, List.of()));
    try (ConfigurableApplicationContext ctx = AggregatorApplication.start(settings)) {
      int grpc = ctx.getBean(FederationServer.class).port();
      int fhir = ctx.getBean(StudyEndpoint.class).server().port();
      assertThat(ctx.getBean(StudyEndpoint.class).server().baseUrl()).isEqualTo("https://127.0.0.2:" + fhir + "/fhir");
      assertThat(fhir).isNotEqualTo(grpc);

      SSLContext alice = ClientTls.mutual(PkiDirectory.certificateFile(pki, "alice"),
          PkiDirectory.keyFile(pki, "alice"), PkiDirectory.caCertificateFile(pki));
      assertThat(get(alice, "127.0.0.2", fhir, "/fhir/metadata")).as("the FHIR endpoint, over TLS")
          .startsWith("HTTP/1.1 200").contains("CapabilityStatement");
      assertThatThrownBy(() -> get(alice, "127.0.0.1", fhir, "/fhir/metadata"))
          .as("nothing listens on the gRPC server's address at the FHIR port").isInstanceOf(ConnectException.class);
      String onGrpc;
      try {
        onGrpc = get(alice, "127.0.0.1", grpc, "/fhir/metadata");
      } catch (IOException refused) {
        onGrpc = "refused: " + refused;
      }
      assertThat(onGrpc).as("the gRPC port serves no FHIR").doesNotContain("CapabilityStatement")
          .doesNotStartWith("HTTP/1.1 200");
      try (Socket plain = new Socket()) {
        plain.connect(new InetSocketAddress("127.0.0.2", fhir), 2000);
        plain.setSoTimeout(5000);
        plain.getOutputStream().write(request("/fhir/metadata"));
        String answer = new String(plain.getInputStream().readNBytes(64), StandardCharsets.ISO_8859_1);
        assertThat(answer).as("plain HTTP is not served").doesNotStartWith("HTTP/1.1 200");
      } catch (IOException closed) {
        assertThat(closed).as("plain HTTP is not served").isNotNull();
      }
    }
  }

  /** A GET over TLS (HTTP/1.1), the answer's first bytes; hostnames are not checked (127.0.0.2 is not in the certificate). */
  static String get(SSLContext tls, String host, int port, String path) throws IOException {
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(host, port), 2000);
      try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true)) {
        s.setSoTimeout(5000);
        s.startHandshake();
        OutputStream out = s.getOutputStream();
        out.write(request(path));
        out.flush();
        InputStream in = s.getInputStream();
        return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
      }
    }
  }

  static byte[] request(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: aggregator\r\nAccept: application/fhir+json\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }
}
