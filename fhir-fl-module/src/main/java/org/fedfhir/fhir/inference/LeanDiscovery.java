package org.fedfhir.fhir.inference;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.tee.client.LeanTeeClient;
import org.fedfhir.tee.client.MutualTlsClients;
import org.fedfhir.tee.client.TeeServiceException;
import org.fedfhir.tee.fhir.TeeServer;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UnsignedIntType;

/**
 * Finds the TEE's lean path once: reads the service's CapabilityStatement, and if it names a lean
 * port ({@link TeeServer#LEAN_PREDICT_PORT}) opens one mutual-TLS gRPC channel to that port on the
 * FHIR base URL's host, presenting the site's certificate. A service that names none is reached over
 * FHIR {@code $predict}; an unreachable one is asked again at the next call, and so is one whose lean
 * port stopped answering ({@link #forget}). Thread-safe.
 */
final class LeanDiscovery implements TeeModelService.LeanPath {

  private final IGenericClient fhir;
  private final String host;
  private final Path certificate;
  private final Path privateKey;
  private final Path ca;
  private final AttestationVerifier verifier;
  private volatile Optional<LeanTeeClient> found;
  private ManagedChannel channel;

  LeanDiscovery(IGenericClient fhir, Path certificate, Path privateKey, Path ca, AttestationVerifier verifier) {
    this.fhir = fhir;
    this.host = URI.create(fhir.getServerBase()).getHost();
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.ca = ca;
    this.verifier = verifier;
  }

  @Override
  public Optional<LeanTeeClient> client() throws TeeServiceException {
    Optional<LeanTeeClient> known = found;
    if (known != null) {
      return known;
    }
    synchronized (this) {
      if (found == null) {
        found = discover();
      }
      return found;
    }
  }

  @Override
  public synchronized void forget() {
    found = null;
    if (channel != null) {
      channel.shutdownNow();
      channel = null;
    }
  }

  private Optional<LeanTeeClient> discover() throws TeeServiceException {
    CapabilityStatement cs;
    try {
      cs = fhir.capabilities().ofType(CapabilityStatement.class).execute();
    } catch (FhirClientConnectionException e) {
      throw new TeeServiceException("unreachable", 0, "TEE service unreachable: " + e.getMessage());
    } catch (BaseServerResponseException e) {
      throw new TeeServiceException("http-" + e.getStatusCode(), e.getStatusCode(),
          "TEE service refused its CapabilityStatement: " + e.getMessage());
    }
    Extension port = cs.getRestFirstRep().getExtensionByUrl(TeeServer.LEAN_PREDICT_PORT);
    if (port == null || !(port.getValue() instanceof UnsignedIntType p) || p.getValue() == null
        || p.getValue() < 1 || p.getValue() > 65535) {
      return Optional.empty();
    }
    channel = MutualTlsClients.leanChannel(host, p.getValue(), certificate, privateKey, ca);
    return Optional.of(new LeanTeeClient(channel, verifier, Clock.systemUTC()));
  }
}
