package org.fedfhir.aggregator.fhir;

import java.util.List;
import org.fedfhir.access.AccessTokenVerifier;
import org.fedfhir.access.TlsSettings;

/**
 * How the aggregator's FHIR endpoint admits callers: HTTPS with the aggregator's certificate, asking
 * for (not requiring) a client certificate of the network CA so a researcher may authenticate with
 * one; and the issuers whose researcher tokens it accepts.
 *
 * @param tls the endpoint's TLS material (client certificates wanted), or null for plain HTTP
 * @param insecureHttp plain HTTP was asked for explicitly (refused on a routable address otherwise)
 * @param issuers the authorisation servers whose access tokens are accepted (may be empty)
 */
public record RegistryAccess(TlsSettings tls, boolean insecureHttp, List<AccessTokenVerifier> issuers) {

  public RegistryAccess {
    issuers = List.copyOf(issuers);
    if (tls == null && !insecureHttp) {
      throw new IllegalArgumentException("the aggregator's FHIR endpoint serves HTTPS; plain HTTP needs "
          + "--fhir-insecure-http");
    }
  }
}
