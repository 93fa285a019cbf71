package org.fedfhir.aggregator.testing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Path;
import java.util.List;
import org.fedfhir.access.TlsSettings;
import org.fedfhir.aggregator.pki.PkiDirectory;
import org.fedfhir.tee.client.MutualTlsClients;

/**
 * A test network's PKI as {@code ./fedfhir pki} lays it out ({@link PkiDirectory}: the aggregator,
 * the TEE and the named sites), and what the TEE tests build from it: the TEE's mutual-TLS server
 * settings and FHIR clients that present a party's certificate.
 *
 * <p>Packaged in the aggregator's test-jar for the hospital module's tests through the TEE.
 */
public final class TestPki {

  private final Path dir;

  private TestPki(Path dir) {
    this.dir = dir;
  }

  /** Issues the network's CA and the certificates of the aggregator, the TEE and {@code sites} in {@code dir}. */
  public static TestPki init(Path dir, String... sites) {
    PkiDirectory.init(dir, "test network", List.of(sites));
    return new TestPki(dir);
  }

  /** The TEE's server TLS: its certificate, client certificates of the network's CA required. */
  public TlsSettings teeTls() {
    return new TlsSettings(PkiDirectory.certificateFile(dir, "tee"), PkiDirectory.keyFile(dir, "tee"),
        PkiDirectory.caCertificateFile(dir), TlsSettings.ClientAuth.NEED);
  }

  /** A FHIR context whose clients present {@code party}'s certificate and do not fetch the server's metadata. */
  public FhirContext client(String party) {
    FhirContext ctx = MutualTlsClients.presenting(FhirContext.forR4(), PkiDirectory.certificateFile(dir, party),
        PkiDirectory.keyFile(dir, party), PkiDirectory.caCertificateFile(dir));
    ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    return ctx;
  }
}
